/**
 * 单位专管员 in the mini-program (docs: issue 16 item 3). An agency admin creates an appointment for
 * a unit (单位名称 exactly as persons.employer) inside a region, with a one-time invitation code; the
 * 专管员 enters the code here (claimUnitInvite) and the appointment is bound to this account. While
 * it is live (claimed, not revoked, not expired) the account sees its unit's retirees, masked, with
 * their standing (src/core/standing.ts), overdue first, and certifies any of them on its phone —
 * the retiree's own face, performer 'unit_admin' (services/certification.ts asks resolveUnitSubject at
 * start and unitAdminMayStill at completion, so a revocation or expiry in between refuses).
 *
 * A member is named by an opaque memberRef: HMAC(unit key, appointment id ‖ person id), so a ref is
 * useless under another appointment and never reveals the person id. Resolving one reads the unit's
 * members (one indexed query) and compares.
 */
import { createHash, createHmac, hkdfSync } from 'node:crypto'
import { certStatusLabel } from '../../src/core/contracts/common'
import { UNIT_MEMBERS_MAX, type UnitAdminStatusView, type UnitMembersView, type UnitMemberView } from '../../src/core/contracts/unit-admin'
import { deadlineLabel, firstDayOf, monthLabel } from '../../src/core/cycle'
import { DomainError } from '../../src/core/errors'
import { standingFactsOf, standingOf } from '../../src/core/standing'
import type { Caller } from '../../src/core/contracts/common'
import { safeEqual } from '../crypto/hmac'
import { ensureAccount, findAccountId } from '../repositories/accounts'
import {
  claimAppointment,
  countUnitMembers,
  findAppointment,
  findAppointmentByCodeHash,
  isLive,
  liveAppointmentOfAccount,
  unitMember,
  unitMembers,
  type AppointmentRow,
} from '../repositories/unit-admins'
import type { Db, PersonRow } from '../repositories/types'
import { personsAwaitingReview } from '../repositories/records'
import { shanghaiDate } from '../time/clock'
import type { ServiceContext } from './context'
import { Held, takeOrRefuse, type LimitRule } from './limits'
import { audit } from './relatives-common'
import type { FamilyDeps } from './relatives-common'

/** Wrong invitation codes per account: 5 per 10 minutes (8 characters of 31: guessing is hopeless anyway). */
export const UNIT_INVITE_FAILED: LimitRule = { name: 'unit.invite.account', window: 10 * 60_000, max: 5 }

/** The key of member refs, derived from the share-card key (itself from BACKEND_HMAC_SECRET). */
export function unitKeyOf(family: FamilyDeps | undefined): Buffer {
  const base = family?.shareKey ?? Buffer.alloc(0)
  return Buffer.from(hkdfSync('sha256', base, Buffer.alloc(0), 'yinling/unit-member', 32))
}

export function memberRefOf(key: Buffer, appointmentId: string, personId: string): string {
  return createHmac('sha256', key).update(`${appointmentId}:${personId}`).digest('base64url').slice(0, 22)
}

export function inviteCodeHash(code: string): string {
  return createHash('sha256').update(`unit-invite:${code}`).digest('hex')
}

/** The last valid day (Beijing) of an appointment expiring at `expiresAt` (the next day's midnight). */
export function lastValidDay(expiresAt: string): string {
  return shanghaiDate(new Date(Date.parse(expiresAt) - 1))
}

export function dayLabel(date: string): string {
  const [y, m, d] = date.split('-').map(Number)
  return `${y}年${m}月${d}日`
}

function statusOf(a: AppointmentRow): UnitAdminStatusView {
  const expiresOn = lastValidDay(a.expires_at)
  return { appointed: true, unitName: a.unit_name, expiresOn, expiresLabel: dayLabel(expiresOn) }
}

/** Whether the caller holds a live appointment (no audit row: the 首页 asks at every visit, and it reads nobody's data). */
export async function unitAdminStatus(ctx: ServiceContext, caller: Caller): Promise<UnitAdminStatusView> {
  const accountId = await findAccountId(ctx.db, caller)
  const a = accountId ? await liveAppointmentOfAccount(ctx.db, accountId, ctx.clock().toISOString()) : undefined
  return a ? statusOf(a) : { appointed: false }
}

/** The 专管员 enters the invitation code: the appointment becomes this account's. */
export async function claimUnitInvite(ctx: ServiceContext, caller: Caller, code: string): Promise<UnitAdminStatusView> {
  const now = ctx.clock()
  const nowIso = now.toISOString()
  const accountId = await ensureAccount(ctx.db, caller, nowIso)
  const failures = new Held(ctx.db)
  await takeOrRefuse(ctx.db, now, failures, `account:${accountId}`, [UNIT_INVITE_FAILED], 'RATE_LIMITED', async (reason) => {
    await audit(ctx, ctx.db, accountId, 'unit_admin.claim_refused', null, { reason })
  })
  const a = await findAppointmentByCodeHash(ctx.db, inviteCodeHash(code))
  const claimable = a && a.account_id === null && a.revoked_at === null && a.invite_expires_at > nowIso && a.expires_at > nowIso
  if (!a || !claimable) {
    // The same answer for a wrong, used, revoked or stale code; the unit is not named.
    await audit(ctx, ctx.db, accountId, 'unit_admin.claim_refused', null, { reason: 'UNIT_INVITE_INVALID', known: !!a })
    throw new DomainError('UNIT_INVITE_INVALID')
  }
  if (await liveAppointmentOfAccount(ctx.db, accountId, nowIso)) {
    await failures.giveBack()
    await audit(ctx, ctx.db, accountId, 'unit_admin.claim_refused', null, { reason: 'UNIT_ADMIN_ALREADY_APPOINTED', appointmentId: a.id })
    throw new DomainError('UNIT_ADMIN_ALREADY_APPOINTED')
  }
  if (!(await claimAppointment(ctx.db, a.id, accountId, nowIso))) {
    await audit(ctx, ctx.db, accountId, 'unit_admin.claim_refused', null, { reason: 'UNIT_INVITE_INVALID', known: true, raced: true })
    throw new DomainError('UNIT_INVITE_INVALID')
  }
  await failures.giveBack()
  await audit(ctx, ctx.db, accountId, 'unit_admin.claimed', null, { appointmentId: a.id })
  return statusOf({ ...a, account_id: accountId, claimed_at: nowIso })
}

async function liveOrRefuse(ctx: ServiceContext, caller: Caller, action: string): Promise<{ accountId: string; appointment: AppointmentRow }> {
  const accountId = await findAccountId(ctx.db, caller)
  const appointment = accountId ? await liveAppointmentOfAccount(ctx.db, accountId, ctx.clock().toISOString()) : undefined
  if (!accountId || !appointment) {
    if (accountId) await audit(ctx, ctx.db, accountId, action, null, { reason: 'UNIT_ADMIN_NOT_APPOINTED' })
    throw new DomainError('UNIT_ADMIN_NOT_APPOINTED')
  }
  return { accountId, appointment }
}

const STATE_ORDER = { overdue_suspended: 0, due: 1, certified: 3 } as const
/** A member whose try waits for review: after everyone who needs help now, before the certified. */
const AWAITING_ORDER = 2

function memberView(ctx: ServiceContext, key: Buffer, a: AppointmentRow, p: PersonRow, today: string, waiting: ReadonlySet<string>): UnitMemberView & { order: [number, string] } {
  const s = standingOf(standingFactsOf(p), today, ctx.cyclePolicy)
  const due = firstDayOf(s.window.dueMonth)
  const awaitingReview = s.state !== 'certified' && waiting.has(p.id)
  return {
    memberRef: memberRefOf(key, a.id, p.id),
    maskedName: p.name_masked,
    maskedIdNumber: p.id_number_masked,
    status: s.state,
    statusLabel: certStatusLabel(s.state, s.suspendedBy),
    nextDueDeadlineLabel: deadlineLabel(due),
    nextDueMonthLabel: monthLabel(s.window.dueMonth),
    ...(s.suspendedSince ? { suspendedSince: s.suspendedSince } : {}),
    awaitingReview,
    order: [awaitingReview ? AWAITING_ORDER : STATE_ORDER[s.state], due],
  }
}

/** 单位认证 list: the live appointment's unit members, overdue first, then due, then those waiting for review, then certified. Audited (a read of others' standing). */
export async function listUnitMembers(ctx: ServiceContext, family: FamilyDeps | undefined, caller: Caller): Promise<UnitMembersView> {
  const { accountId, appointment: a } = await liveOrRefuse(ctx, caller, 'unit_admin.list_refused')
  const key = unitKeyOf(family)
  const today = shanghaiDate(ctx.clock())
  const [rows, total] = await Promise.all([unitMembers(ctx.db, a.unit_name, a.region_prefix, UNIT_MEMBERS_MAX), countUnitMembers(ctx.db, a.unit_name, a.region_prefix)])
  const waiting = await personsAwaitingReview(ctx.db, rows.map((p) => p.id))
  const views = rows.map((p) => memberView(ctx, key, a, p, today, waiting))
  views.sort((x, y) => x.order[0] - y.order[0] || (x.order[1] < y.order[1] ? -1 : x.order[1] > y.order[1] ? 1 : 0))
  await audit(ctx, ctx.db, accountId, 'unit_admin.members_listed', null, { appointmentId: a.id, shown: views.length, total })
  const expiresOn = lastValidDay(a.expires_at)
  return { unitName: a.unit_name, expiresOn, expiresLabel: dayLabel(expiresOn), members: views.map(({ order: _o, ...m }) => m), total }
}

/**
 * Start of a certification by a 专管员: the live appointment and the member its ref names (else
 * UNIT_ADMIN_NOT_APPOINTED / UNIT_MEMBER_NOT_FOUND, audited as certification.start_refused).
 */
export async function resolveUnitSubject(ctx: ServiceContext, family: FamilyDeps | undefined, accountId: string, memberRef: string): Promise<{ person: PersonRow; appointmentId: string }> {
  const a = await liveAppointmentOfAccount(ctx.db, accountId, ctx.clock().toISOString())
  if (!a) {
    await audit(ctx, ctx.db, accountId, 'certification.start_refused', null, { reason: 'UNIT_ADMIN_NOT_APPOINTED', performer: 'unit_admin' })
    throw new DomainError('UNIT_ADMIN_NOT_APPOINTED')
  }
  const key = unitKeyOf(family)
  // Every member of the unit in the appointment's region (an indexed read); the ref must match one.
  const rows = await unitMembers(ctx.db, a.unit_name, a.region_prefix, Number.MAX_SAFE_INTEGER)
  const person = rows.find((p) => safeEqual(memberRefOf(key, a.id, p.id), memberRef))
  if (!person) {
    await audit(ctx, ctx.db, accountId, 'certification.start_refused', null, { reason: 'UNIT_MEMBER_NOT_FOUND', performer: 'unit_admin', appointmentId: a.id })
    throw new DomainError('UNIT_MEMBER_NOT_FOUND')
  }
  return { person, appointmentId: a.id }
}

/**
 * At completion (and again inside its transaction): the appointment is still live for this account
 * and the person still belongs to its unit and region.
 */
export async function unitAdminMayStill(db: Db, accountId: string, appointmentId: string | null, personId: string, nowIso: string): Promise<boolean> {
  if (!appointmentId) return false
  const a = await findAppointment(db, appointmentId)
  if (!isLive(a, accountId, nowIso)) return false
  return (await unitMember(db, a.unit_name, a.region_prefix, personId)) !== undefined
}
