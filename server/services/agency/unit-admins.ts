/**
 * 单位专管员 in the console (管理员 only): the units of the roster in the admin's region, appointing an
 * account for a unit by a one-time invitation code, revoking. The code is random (crypto), shown
 * once in the answer and kept only as a hash; the 专管员 enters it in the mini-program
 * (services/unit-admins.ts claimUnitInvite), so no openid is ever shown or typed here. Every step is
 * audited (actor_type 'agency'; no code, no personal data in the detail).
 */
import { randomInt } from 'node:crypto'
import { UNIT_INVITE_ALPHABET, UNIT_INVITE_LENGTH } from '../../../src/core/contracts/unit-admin'
import { APPOINTMENT_STATE_LABELS, UNIT_APPOINTMENT_MAX_DAYS, UNIT_INVITE_DAYS, type AppointmentState, type AppointmentView, type UnitView } from '../../../src/core/contracts/agency/unit-admins'
import { DomainError } from '../../../src/core/errors'
import type { AgencyActor } from '../../agency/actor'
import { newId } from '../../db/ids'
import { isUniqueViolation } from '../../db/errors'
import { appointmentsInScope, certifiedByAppointments, revokeAppointment, unitsInRegion } from '../../repositories/agency/unit-admins'
import { agencyUserNames } from '../../repositories/agency/review'
import { appendAudit } from '../../repositories/audit'
import { countUnitMembers, findAppointment, insertAppointment, type AppointmentRow } from '../../repositories/unit-admins'
import type { Db } from '../../repositories/types'
import { shanghaiDate, shanghaiMidnightIso } from '../../time/clock'
import type { ServiceContext } from '../context'
import { inviteCodeHash, lastValidDay } from '../unit-admins'
import { isCalendarDate } from '../../../src/core/dates'

const UNITS_MAX = 500
const APPOINTMENTS_MAX = 500
const DAY_MS = 24 * 3600_000

export function appointmentState(a: AppointmentRow, nowIso: string): AppointmentState {
  if (a.revoked_at) return 'revoked'
  if (a.expires_at <= nowIso) return 'expired'
  if (a.account_id) return 'active'
  return a.invite_expires_at <= nowIso ? 'invite_expired' : 'pending'
}

async function views(ctx: ServiceContext, rows: AppointmentRow[]): Promise<AppointmentView[]> {
  const nowIso = ctx.clock().toISOString()
  const [names, certified] = await Promise.all([agencyUserNames(ctx.db, rows.map((r) => r.appointed_by)), certifiedByAppointments(ctx.db, rows.map((r) => r.id))])
  return rows.map((a) => {
    const state = appointmentState(a, nowIso)
    return {
      appointmentId: a.id,
      unitName: a.unit_name,
      regionPrefix: a.region_prefix,
      state,
      stateLabel: APPOINTMENT_STATE_LABELS[state],
      appointedBy: names.get(a.appointed_by) ?? '—',
      appointedAt: a.appointed_at,
      expiresOn: lastValidDay(a.expires_at),
      inviteExpiresAt: a.invite_expires_at,
      claimedAt: a.claimed_at,
      revokedAt: a.revoked_at,
      certified: certified.get(a.id) ?? 0,
    }
  })
}

export async function listUnits(ctx: ServiceContext, actor: AgencyActor, q: string | undefined): Promise<{ units: UnitView[]; truncated: boolean }> {
  const units = await unitsInRegion(ctx.db, actor.regionPrefix, q || undefined, UNITS_MAX + 1)
  const nowIso = ctx.clock().toISOString()
  const appointments = await appointmentsInScope(ctx.db, actor.regionPrefix, 10_000)
  const count = (unit: string, state: AppointmentState) => appointments.filter((a) => a.unit_name === unit && appointmentState(a, nowIso) === state).length
  return {
    units: units.slice(0, UNITS_MAX).map((u) => ({ ...u, activeAdmins: count(u.unitName, 'active'), pendingInvites: count(u.unitName, 'pending') })),
    truncated: units.length > UNITS_MAX,
  }
}

export async function listAppointments(ctx: ServiceContext, actor: AgencyActor): Promise<{ appointments: AppointmentView[] }> {
  return { appointments: await views(ctx, await appointmentsInScope(ctx.db, actor.regionPrefix, APPOINTMENTS_MAX)) }
}

function newInviteCode(): string {
  let code = ''
  for (let i = 0; i < UNIT_INVITE_LENGTH; i++) code += UNIT_INVITE_ALPHABET[randomInt(UNIT_INVITE_ALPHABET.length)]
  return code
}

/** The next day's Beijing midnight after `date`, as ISO. */
function endOfDayIso(date: string): string {
  return new Date(Date.parse(shanghaiMidnightIso(date)) + DAY_MS).toISOString()
}

export async function appointUnitAdmin(ctx: ServiceContext, actor: AgencyActor, input: { unitName: string; expiresOn: string }): Promise<{ appointment: AppointmentView; inviteCode: string }> {
  const now = ctx.clock()
  const nowIso = now.toISOString()
  const today = shanghaiDate(now)
  const latest = shanghaiDate(new Date(now.getTime() + UNIT_APPOINTMENT_MAX_DAYS * DAY_MS))
  if (!isCalendarDate(input.expiresOn) || input.expiresOn <= today || input.expiresOn > latest) throw new DomainError('AGENCY_UNIT_EXPIRY_INVALID', { field: 'expiresOn' })
  // The unit must be on the roster inside the admin's region (exactly as written there).
  if ((await countUnitMembers(ctx.db, input.unitName, actor.regionPrefix)) === 0) throw new DomainError('AGENCY_UNIT_NOT_FOUND', { field: 'unitName' })
  const expiresAt = endOfDayIso(input.expiresOn)
  const inviteExpiresAt = new Date(Math.min(now.getTime() + UNIT_INVITE_DAYS * DAY_MS, Date.parse(expiresAt))).toISOString()
  for (let attempt = 0; ; attempt++) {
    const inviteCode = newInviteCode()
    const row: AppointmentRow = {
      id: newId(),
      account_id: null,
      unit_name: input.unitName,
      region_prefix: actor.regionPrefix,
      appointed_by: actor.userId,
      appointed_at: nowIso,
      expires_at: expiresAt,
      invite_code_hash: inviteCodeHash(inviteCode),
      invite_expires_at: inviteExpiresAt,
      claimed_at: null,
      revoked_at: null,
      revoked_by: null,
    }
    try {
      await ctx.db.transaction().execute(async (trx) => {
        await insertAppointment(trx, row)
        await appendAudit(trx, {
          at: nowIso,
          actorType: 'agency',
          actorRef: actor.userId,
          action: 'agency.unit_admin.appointed',
          subjectPersonId: null,
          detail: { appointmentId: row.id, regionPrefix: row.region_prefix, expiresOn: input.expiresOn },
        })
      })
    } catch (err) {
      // Two equal codes (31^8 of them): draw again.
      if (isUniqueViolation(err) && attempt < 3) continue
      throw err
    }
    return { appointment: (await views(ctx, [row]))[0], inviteCode }
  }
}

async function inScope(db: Db, actor: AgencyActor, id: string): Promise<AppointmentRow> {
  const a = await findAppointment(db, id)
  if (!a || !a.region_prefix.startsWith(actor.regionPrefix)) throw new DomainError('AGENCY_APPOINTMENT_NOT_FOUND')
  return a
}

/** Ends an appointment at once (idempotent: revoking a revoked one answers it as it is). */
export async function revokeUnitAdmin(ctx: ServiceContext, actor: AgencyActor, id: string): Promise<{ appointment: AppointmentView }> {
  await inScope(ctx.db, actor, id)
  const nowIso = ctx.clock().toISOString()
  await ctx.db.transaction().execute(async (trx) => {
    if (await revokeAppointment(trx, id, actor.userId, nowIso)) {
      await appendAudit(trx, { at: nowIso, actorType: 'agency', actorRef: actor.userId, action: 'agency.unit_admin.revoked', subjectPersonId: null, detail: { appointmentId: id } })
    }
  })
  return { appointment: (await views(ctx, [await inScope(ctx.db, actor, id)]))[0] }
}
