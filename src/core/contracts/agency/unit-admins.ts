/**
 * 单位专管员 in the console (管理员 only, within the admin's region): the units of the roster (单位名称
 * with member counts), appointing a mini-program account for a unit by a one-time invitation code
 * (shown once here; the 专管员 enters it in the mini-program — no openid ever on screen), revoking,
 * and the expiry. Every step audited.
 */
import * as v from 'valibot'
import { agencyEndpoints } from './define'

/** An appointment lasts at most this many days. */
export const UNIT_APPOINTMENT_MAX_DAYS = 366
/** An unclaimed invitation code works for this many days. */
export const UNIT_INVITE_DAYS = 7

export const UnitViewSchema = v.object({
  unitName: v.string(),
  members: v.number(),
  /** Appointments live now (claimed, not revoked, not expired) and waiting for their code. */
  activeAdmins: v.number(),
  pendingInvites: v.number(),
})
export type UnitView = v.InferOutput<typeof UnitViewSchema>

export const APPOINTMENT_STATES = ['pending', 'active', 'revoked', 'expired', 'invite_expired'] as const
export type AppointmentState = (typeof APPOINTMENT_STATES)[number]
export const APPOINTMENT_STATE_LABELS: Record<AppointmentState, string> = {
  pending: '待专管员输入邀请码',
  active: '在任',
  revoked: '已撤销',
  expired: '已到期',
  invite_expired: '邀请码已过期',
}

export const AppointmentViewSchema = v.object({
  appointmentId: v.string(),
  unitName: v.string(),
  regionPrefix: v.string(),
  state: v.picklist(APPOINTMENT_STATES),
  stateLabel: v.string(),
  appointedBy: v.string(),
  appointedAt: v.string(),
  /** Last valid day (YYYY-MM-DD, Beijing). */
  expiresOn: v.string(),
  inviteExpiresAt: v.string(),
  claimedAt: v.nullable(v.string()),
  revokedAt: v.nullable(v.string()),
  /** Certifications the 专管员 performed under this appointment (passed ones). */
  certified: v.number(),
})
export type AppointmentView = v.InferOutput<typeof AppointmentViewSchema>

const DATE = /^\d{4}-\d{2}-\d{2}$/
const AppointmentParams = v.object({ appointmentId: v.pipe(v.string(), v.uuid('AGENCY_APPOINTMENT_NOT_FOUND')) })

export const UNIT_ADMINS_ENDPOINTS = agencyEndpoints({
  unitsList: {
    method: 'GET',
    path: '/units',
    roles: ['admin'],
    input: v.object({ q: v.optional(v.pipe(v.string('VALIDATION_FAILED'), v.trim(), v.maxLength(60, 'VALIDATION_FAILED'))) }),
    answer: v.object({ units: v.array(UnitViewSchema), truncated: v.boolean() }),
  },
  unitAdminsList: { method: 'GET', path: '/unit-admins', roles: ['admin'], answer: v.object({ appointments: v.array(AppointmentViewSchema) }) },
  unitAdminsAppoint: {
    method: 'POST',
    path: '/unit-admins',
    roles: ['admin'],
    input: v.object({
      unitName: v.pipe(v.string('AGENCY_UNIT_NOT_FOUND'), v.trim(), v.minLength(1, 'AGENCY_UNIT_NOT_FOUND'), v.maxLength(200, 'AGENCY_UNIT_NOT_FOUND')),
      /** Last valid day (YYYY-MM-DD): from tomorrow, at most UNIT_APPOINTMENT_MAX_DAYS ahead. */
      expiresOn: v.pipe(v.string('AGENCY_UNIT_EXPIRY_INVALID'), v.regex(DATE, 'AGENCY_UNIT_EXPIRY_INVALID')),
    }),
    /** The invitation code is shown once (only its hash is kept). */
    answer: v.object({ appointment: AppointmentViewSchema, inviteCode: v.string() }),
  },
  unitAdminsRevoke: { method: 'POST', path: '/unit-admins/:appointmentId/revoke', roles: ['admin'], params: AppointmentParams, answer: v.object({ appointment: AppointmentViewSchema }) },
})
