/**
 * The console's 申诉 queue (issue 16). Every step is audited (actor_type 'agency'; never the phone,
 * the address or free text in the detail), and every state change queues an appeal-update message to
 * the person and linked relatives (the outbox), in the same transaction as the change.
 *
 * Transitions: submitted|processing → processing (assign); submitted|processing|visit_scheduled →
 * visit_scheduled (schedule; again = reschedule); any open state → completed (certified offline) or
 * rejected (not certified, with the reason). Anything else → APPEAL_STATE_INVALID.
 *
 * Closing as certified creates the record through THE offline path (services/agency/offline.ts
 * recordOffline → applyPass), with the appeal's id as the request id: a retry gives the same record.
 */
import { OPEN_APPEAL_STATES, type AppealState } from '../../../src/core/contracts/appeals'
import type { AppealCloseInput, AppealDetail, AppealQueueItem, AppealsQueue } from '../../../src/core/contracts/agency/appeals'
import { DomainError } from '../../../src/core/errors'
import type { AgencyActor } from '../../agency/actor'
import { queueAppealNotices } from '../../repositories/appeals'
import { AGENCY_ROLE_LABELS } from '../../../src/core/contracts/agency/define'
import { appealInRegion, appealsInRegion, assigneesFor, transitionAppeal, type QueueRow } from '../../repositories/agency/appeals'
import { findAgencyUserById } from '../../repositories/agency/users'
import { appendAudit, appendReadAudit } from '../../repositories/audit'
import type { Db } from '../../repositories/types'
import { shanghaiDate } from '../../time/clock'
import type { ServiceContext } from '../context'
import { recordOffline } from './offline'
import { appealBasics } from '../appeal-fields'

const DAY_MS = 86_400_000
const daysFrom = (from: string, to: string) => Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS)

function itemOf(row: QueueRow, today: string): AppealQueueItem {
  const item: AppealQueueItem = {
    appealId: row.id,
    personId: row.person_id,
    personNo: row.person_no,
    nameMasked: row.name_masked,
    regionCode: row.region_code,
    ...appealBasics(row),
    dueOn: row.due_on,
    slaDaysLeft: daysFrom(today, row.due_on),
  }
  if (row.assigned_to) item.assignedTo = row.assigned_to
  if (row.assigned_name) item.assignedName = row.assigned_name
  if (row.visit_date) item.visitDate = row.visit_date
  return item
}

function detailOf(ctx: ServiceContext, row: QueueRow, today: string): AppealDetail {
  const d: AppealDetail = { ...itemOf(row, today), phone: ctx.pii.decrypt('phone', row.phone_enc), filedFor: row.filed_for }
  if (row.address_enc) d.address = ctx.pii.decrypt('address', row.address_enc)
  if (row.note) d.note = row.note
  if (row.visit_staff) d.visitStaff = row.visit_staff
  if (row.outcome) d.outcome = row.outcome
  if (row.reject_reason) d.rejectReason = row.reject_reason
  if (row.record_id) d.recordId = row.record_id
  if (row.closed_at) d.closedAt = row.closed_at
  return d
}

export async function appealsQueue(ctx: ServiceContext, actor: AgencyActor, view: 'open' | 'closed'): Promise<AppealsQueue> {
  const today = shanghaiDate(ctx.clock())
  const { rows, total } = await appealsInRegion(ctx.db, actor.regionPrefix, view)
  await appendReadAudit(ctx, { at: ctx.clock().toISOString(), actorType: 'agency', actorRef: actor.userId, action: 'agency.appeals.list', subjectPersonId: null, detail: { view, count: rows.length } })
  return { appeals: rows.map((r) => itemOf(r, today)), total }
}

async function inScope(ctx: ServiceContext, actor: AgencyActor, appealId: string, db: Db = ctx.db): Promise<QueueRow> {
  const row = await appealInRegion(db, actor.regionPrefix, appealId)
  if (!row) throw new DomainError('APPEAL_NOT_FOUND')
  return row
}

/** One appeal with the phone and address in full: the read is audited (written at once, not buffered). */
export async function appealDetail(ctx: ServiceContext, actor: AgencyActor, appealId: string): Promise<AppealDetail> {
  const row = await inScope(ctx, actor, appealId)
  await appendAudit(ctx.db, { at: ctx.clock().toISOString(), actorType: 'agency', actorRef: actor.userId, action: 'agency.appeal.viewed', subjectPersonId: row.person_id, detail: { appealId, contactShown: true } })
  return detailOf(ctx, row, shanghaiDate(ctx.clock()))
}

/** A conditional state change, its audit row and the messages, in one transaction. */
async function move(ctx: ServiceContext, actor: AgencyActor, row: QueueRow, from: readonly AppealState[], to: AppealState, set: Record<string, unknown>, action: string, detail: Record<string, string | number | boolean | null>): Promise<AppealDetail> {
  if (!from.includes(row.state)) throw new DomainError('APPEAL_STATE_INVALID')
  const nowIso = ctx.clock().toISOString()
  await ctx.db.transaction().execute(async (trx) => {
    if (!(await transitionAppeal(trx, row.id, from, { ...set, state: to, updated_at: nowIso }))) throw new DomainError('APPEAL_STATE_INVALID')
    await appendAudit(trx, { at: nowIso, actorType: 'agency', actorRef: actor.userId, action, subjectPersonId: row.person_id, detail: { appealId: row.id, from: row.state, to, ...detail } })
    await queueAppealNotices(trx, ctx.dialect, { appealId: row.id, personId: row.person_id, state: to, now: nowIso })
  })
  return detailOf(ctx, await inScope(ctx, actor, row.id), shanghaiDate(ctx.clock()))
}

/** The users the appeal may be assigned to. */
export async function appealAssignees(ctx: ServiceContext, actor: AgencyActor, appealId: string) {
  const row = await inScope(ctx, actor, appealId)
  const users = await assigneesFor(ctx.db, actor.regionPrefix, row.region_code)
  return { assignees: users.map((u) => ({ id: u.id, displayName: u.display_name, roleLabel: AGENCY_ROLE_LABELS[u.role], regionPrefix: u.region_prefix })) }
}

/** To a user (not disabled) whose region covers the person and lies within the actor's. */
export async function assignAppeal(ctx: ServiceContext, actor: AgencyActor, appealId: string, assigneeId: string): Promise<AppealDetail> {
  const row = await inScope(ctx, actor, appealId)
  const user = await findAgencyUserById(ctx.db, assigneeId)
  if (!user || user.disabled_at !== null || !user.region_prefix.startsWith(actor.regionPrefix) || !row.region_code.startsWith(user.region_prefix)) {
    throw new DomainError('APPEAL_ASSIGNEE_INVALID', { field: 'assigneeId' })
  }
  return move(ctx, actor, row, ['submitted', 'processing'], 'processing', { assigned_to: user.id }, 'agency.appeal.assigned', { assigneeId: user.id })
}

export async function scheduleVisit(ctx: ServiceContext, actor: AgencyActor, appealId: string, visitDate: string, staff: string): Promise<AppealDetail> {
  const row = await inScope(ctx, actor, appealId)
  const d = new Date(`${visitDate}T00:00:00Z`)
  if (Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== visitDate || visitDate < shanghaiDate(ctx.clock())) throw new DomainError('APPEAL_VISIT_INVALID', { field: 'visitDate' })
  return move(ctx, actor, row, OPEN_APPEAL_STATES, 'visit_scheduled', { visit_date: visitDate, visit_staff: staff, assigned_to: row.assigned_to ?? actor.userId }, 'agency.appeal.visit_scheduled', { visitDate })
}

/** The outcome; certified → the offline record (the one pass path), then the appeal closes naming it. */
export async function closeAppeal(ctx: ServiceContext, actor: AgencyActor, appealId: string, input: AppealCloseInput): Promise<{ detail: AppealDetail; recordId?: string; newRecord: boolean }> {
  const row = await inScope(ctx, actor, appealId)
  if (!OPEN_APPEAL_STATES.includes(row.state)) throw new DomainError('APPEAL_STATE_INVALID')
  const nowIso = ctx.clock().toISOString()
  if (input.outcome === 'not_certified') {
    if (!input.reason) throw new DomainError('APPEAL_CLOSE_INVALID', { field: 'reason' })
    const detail = await move(ctx, actor, row, OPEN_APPEAL_STATES, 'rejected', { outcome: 'not_certified', reject_reason: input.reason, closed_at: nowIso }, 'agency.appeal.closed', { outcome: 'not_certified' })
    return { detail, newRecord: false }
  }
  if (!input.method) throw new DomainError('APPEAL_CLOSE_INVALID', { field: 'method' })
  const record = await recordOffline(ctx, actor, {
    personId: row.person_id,
    date: shanghaiDate(ctx.clock()),
    method: input.method,
    place: input.place || (input.method === 'home_visit' ? '上门' : '窗口'),
    verifiedHow: input.method === 'home_visit' ? 'home_visit' : 'id_card',
    requestId: `appeal-${row.id}`,
  })
  const detail = await move(ctx, actor, row, OPEN_APPEAL_STATES, 'completed', { outcome: 'certified', close_method: input.method, record_id: record.recordId, closed_at: nowIso }, 'agency.appeal.closed', {
    outcome: 'certified',
    method: input.method,
    recordId: record.recordId,
  })
  return { detail, recordId: record.recordId, newRecord: !record.repeated }
}
