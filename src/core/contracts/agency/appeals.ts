/**
 * The console's 申诉 queue (issue 16): the open appeals of the actor's region, oldest first, with
 * the SLA day; one appeal (the contact phone and address in full — an audited read); assign to a
 * clerk whose region covers the person; schedule a home visit; close as certified offline (one
 * passed record through the one pass path, channel 上门 or 窗口) or as not certified with a reason.
 * Illegal transitions answer APPEAL_STATE_INVALID.
 */
import * as v from 'valibot'
import { APPEAL_KINDS, APPEAL_REASONS, APPEAL_STATES } from '../appeals'
import { agencyEndpoints, ANY_AGENCY_ROLE } from './define'

const AppealIdParams = v.object({ appealId: v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{8,64}$/, 'APPEAL_NOT_FOUND')) })

export const AppealsQueueInputSchema = v.object({
  /** 'open' (default): submitted, processing, visit_scheduled; 'closed': completed and rejected, newest first. */
  view: v.optional(v.picklist(['open', 'closed']), 'open'),
})

export const AppealQueueItemSchema = v.object({
  appealId: v.string(),
  personId: v.string(),
  personNo: v.string(),
  nameMasked: v.string(),
  regionCode: v.string(),
  kind: v.picklist(APPEAL_KINDS),
  kindLabel: v.string(),
  reason: v.picklist(APPEAL_REASONS),
  reasonLabel: v.string(),
  state: v.picklist(APPEAL_STATES),
  stateLabel: v.string(),
  phoneMasked: v.string(),
  assignedTo: v.optional(v.string()),
  assignedName: v.optional(v.string()),
  visitDate: v.optional(v.string()),
  filedAt: v.string(),
  /** The SLA date (YYYY-MM-DD, Beijing). */
  dueOn: v.string(),
  /** Days left to dueOn from today (negative: overdue by that many days). */
  slaDaysLeft: v.number(),
})
export type AppealQueueItem = v.InferOutput<typeof AppealQueueItemSchema>

export const AppealsQueueSchema = v.object({ appeals: v.array(AppealQueueItemSchema), total: v.number() })
export type AppealsQueue = v.InferOutput<typeof AppealsQueueSchema>

export const AppealDetailSchema = v.object({
  ...AppealQueueItemSchema.entries,
  /** In full, for the clerk to call back (the read is audited). */
  phone: v.string(),
  address: v.optional(v.string()),
  note: v.optional(v.string()),
  filedFor: v.picklist(['self', 'relative']),
  visitStaff: v.optional(v.string()),
  outcome: v.optional(v.picklist(['certified', 'not_certified'])),
  rejectReason: v.optional(v.string()),
  recordId: v.optional(v.string()),
  closedAt: v.optional(v.string()),
})
export type AppealDetail = v.InferOutput<typeof AppealDetailSchema>

export const AppealAssignInputSchema = v.object({ assigneeId: v.pipe(v.string('APPEAL_ASSIGNEE_INVALID'), v.regex(/^[A-Za-z0-9_-]{1,64}$/, 'APPEAL_ASSIGNEE_INVALID')) })
export const AppealScheduleInputSchema = v.object({
  visitDate: v.pipe(v.string('APPEAL_VISIT_INVALID'), v.regex(/^\d{4}-\d{2}-\d{2}$/, 'APPEAL_VISIT_INVALID')),
  staff: v.pipe(v.string('APPEAL_VISIT_INVALID'), v.trim(), v.minLength(1, 'APPEAL_VISIT_INVALID'), v.maxLength(50, 'APPEAL_VISIT_INVALID')),
})
export const APPEAL_CLOSE_METHODS = ['home_visit', 'counter'] as const
export const AppealCloseInputSchema = v.object({
  outcome: v.picklist(['certified', 'not_certified'], 'APPEAL_CLOSE_INVALID'),
  /** certified: 上门 or 窗口. */
  method: v.optional(v.picklist(APPEAL_CLOSE_METHODS, 'APPEAL_CLOSE_INVALID')),
  /** certified: where (≤ 100 characters; defaults to 上门 / 窗口). */
  place: v.optional(v.pipe(v.string(), v.trim(), v.maxLength(100, 'APPEAL_CLOSE_INVALID'))),
  /** not_certified: why (≤ 100 characters), shown to the person. */
  reason: v.optional(v.pipe(v.string(), v.trim(), v.maxLength(100, 'APPEAL_CLOSE_INVALID'))),
})
export type AppealCloseInput = v.InferOutput<typeof AppealCloseInputSchema>

/** Who an appeal may be assigned to: active users whose region covers the person, inside the actor's. */
export const AppealAssigneesSchema = v.object({ assignees: v.array(v.object({ id: v.string(), displayName: v.string(), roleLabel: v.string(), regionPrefix: v.string() })) })

export const APPEALS_ENDPOINTS = agencyEndpoints({
  appealsQueue: { method: 'GET', path: '/appeals', roles: ANY_AGENCY_ROLE, input: AppealsQueueInputSchema, answer: AppealsQueueSchema },
  appealDetail: { method: 'GET', path: '/appeals/:appealId', roles: ANY_AGENCY_ROLE, params: AppealIdParams, answer: AppealDetailSchema },
  appealAssignees: { method: 'GET', path: '/appeals/:appealId/assignees', roles: ANY_AGENCY_ROLE, params: AppealIdParams, answer: AppealAssigneesSchema },
  appealAssign: { method: 'POST', path: '/appeals/:appealId/assign', roles: ANY_AGENCY_ROLE, params: AppealIdParams, input: AppealAssignInputSchema, answer: AppealDetailSchema },
  appealSchedule: { method: 'POST', path: '/appeals/:appealId/schedule', roles: ANY_AGENCY_ROLE, params: AppealIdParams, input: AppealScheduleInputSchema, answer: AppealDetailSchema },
  appealClose: { method: 'POST', path: '/appeals/:appealId/close', roles: ANY_AGENCY_ROLE, params: AppealIdParams, input: AppealCloseInputSchema, answer: AppealDetailSchema },
})
