/**
 * 我要申诉 / 申请上门认证 from the mini-program (issue 16):
 *  - for the caller's own bound person, or — with a relativeId — for a 家人 the account linked; any
 *    other relativeId → RELATIVE_NOT_FOUND, no binding → NOT_BOUND (nothing stored, refusal audited);
 *  - rate limits first: 5 filings a Beijing day per account and 3 per person (every try counts);
 *  - 其他 needs a note, 上门 an address; the phone is checked by the contract (APPEAL_PHONE_INVALID)
 *    and stored sealed (PII field 'phone'), with only the masked form readable;
 *  - ONE open appeal per person (a partial unique index): a second is refused with the first one's
 *    state in the message (APPEAL_ALREADY_OPEN), also when two are filed at once;
 *  - the filing is audited (no phone, no address, no note in the detail) and the person and linked
 *    relatives who accepted the appeal-update template get a message queued (the outbox).
 */
import { APPEAL_KIND_LABELS, APPEAL_SLA_DAYS, APPEAL_STATE_LABELS, appealSentence, type AppealStatusView, type AppealView, type FileAppealInput } from '../../src/core/contracts/appeals'
import type { Caller } from '../../src/core/contracts/common'
import { DomainError, ERROR_MESSAGES, type ErrorCode } from '../../src/core/errors'
import { maskPhone } from '../../src/core/mask'
import { newId } from '../db/ids'
import { isUniqueViolation } from '../db/errors'
import { ensureAccount } from '../repositories/accounts'
import { findOpenAppealOfPerson, insertAppeal, latestAppealOfPerson, queueAppealNotices, type AppealRow } from '../repositories/appeals'
import { activeSelfBindingOfAccount } from '../repositories/bindings'
import { findPersonById } from '../repositories/persons'
import { findRelativeOfAccount } from '../repositories/relatives'
import type { PersonRow } from '../repositories/types'
import { shanghaiDate } from '../time/clock'
import type { ServiceContext } from './context'
import { APPEALS_PER_ACCOUNT_DAY, APPEALS_PER_PERSON_DAY, Held, takeOrRefuse, type LimitRule } from './limits'
import { audit, refuse } from './relatives-common'
import { appealBasics } from './appeal-fields'

export function appealView(row: AppealRow): AppealView {
  const view: AppealView = {
    appealId: row.id,
    ...appealBasics(row),
    updatedAt: row.updated_at,
    sentence: '',
  }
  if (row.visit_date && row.state === 'visit_scheduled') view.visitDate = row.visit_date
  if (row.outcome) view.outcome = row.outcome
  if (row.outcome === 'certified' && row.close_method) view.certifiedHow = row.close_method === 'home_visit' ? '上门' : '窗口'
  if (row.state === 'rejected' && row.reject_reason) view.rejectReason = row.reject_reason
  view.sentence = appealSentence(view)
  return view
}

/** Adds `days` calendar days to a YYYY-MM-DD date. */
export function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`)
  d.setUTCDate(d.getUTCDate() + days)
  return d.toISOString().slice(0, 10)
}

interface Subject {
  accountId: string
  person: PersonRow
  filedFor: 'self' | 'relative'
  relativeId: string | null
}

/** The person the caller may act for: its own bound person, or an active relative link of its own. */
async function subjectOf(ctx: ServiceContext, caller: Caller, relativeId: string | undefined, refusedAction: string): Promise<Subject> {
  const accountId = await ensureAccount(ctx.db, caller, ctx.clock().toISOString())
  if (relativeId !== undefined) {
    const rel = await findRelativeOfAccount(ctx.db, accountId, relativeId)
    const person = rel && rel.removed_at === null ? await findPersonById(ctx.db, rel.person_id) : undefined
    if (!rel || !person) return refuse(ctx, accountId, refusedAction, 'RELATIVE_NOT_FOUND', null)
    return { accountId, person, filedFor: 'relative', relativeId: rel.id }
  }
  const self = await activeSelfBindingOfAccount(ctx.db, accountId)
  const person = self ? await findPersonById(ctx.db, self.person_id) : undefined
  if (!person) return refuse(ctx, accountId, refusedAction, 'NOT_BOUND', null)
  return { accountId, person, filedFor: 'self', relativeId: null }
}

function alreadyOpen(open: AppealRow): DomainError {
  const state = open.state === 'visit_scheduled' && open.visit_date ? `已安排上门（${open.visit_date}）` : APPEAL_STATE_LABELS[open.state]
  return new DomainError('APPEAL_ALREADY_OPEN', {
    message: `${ERROR_MESSAGES.APPEAL_ALREADY_OPEN}。已提交的${APPEAL_KIND_LABELS[open.kind]}现在的状态是：${state}`,
  })
}

export async function fileAppeal(ctx: ServiceContext, input: FileAppealInput): Promise<AppealView> {
  const subject = await subjectOf(ctx, input.caller, input.relativeId, 'appeal.file_refused')
  const { accountId, person } = subject
  const now = ctx.clock()
  const nowIso = now.toISOString()
  const onRefused = (code: ErrorCode, rule: LimitRule) => audit(ctx, ctx.db, accountId, 'appeal.rate_limited', person.id, { reason: code, limit: rule.name, max: rule.max })
  const held = new Held(ctx.db)
  await takeOrRefuse(ctx.db, now, held, `account:${accountId}`, [APPEALS_PER_ACCOUNT_DAY], 'RATE_LIMITED', onRefused)
  await takeOrRefuse(ctx.db, now, held, `person:${person.id}`, [APPEALS_PER_PERSON_DAY], 'RATE_LIMITED', onRefused)
  held.keep()

  const note = input.note?.trim() ? input.note.trim() : null
  const address = input.address?.trim() ? input.address.trim() : null
  if (input.reason === 'other' && !note) return refuse(ctx, accountId, 'appeal.file_rejected_input', 'APPEAL_NOTE_REQUIRED', person.id, {}, 'note')
  if (input.kind === 'home_visit' && !address) return refuse(ctx, accountId, 'appeal.file_rejected_input', 'APPEAL_ADDRESS_REQUIRED', person.id, {}, 'address')

  const existing = await findOpenAppealOfPerson(ctx.db, person.id)
  if (existing) {
    await audit(ctx, ctx.db, accountId, 'appeal.file_refused', person.id, { reason: 'APPEAL_ALREADY_OPEN', openAppealId: existing.id, state: existing.state })
    throw alreadyOpen(existing)
  }
  const row: AppealRow = {
    id: newId(),
    person_id: person.id,
    filed_by_account_id: accountId,
    filed_for: subject.filedFor,
    relative_id: subject.relativeId,
    kind: input.kind,
    reason: input.reason,
    note,
    phone_enc: ctx.pii.encrypt('phone', input.phone),
    // A landline's dash is not a digit: 025-84561234 → 025****1234.
    phone_masked: maskPhone(input.phone.replace(/-/g, '')),
    address_enc: address && input.kind === 'home_visit' ? ctx.pii.encrypt('address', address) : null,
    state: 'submitted',
    assigned_to: null,
    visit_date: null,
    visit_staff: null,
    outcome: null,
    close_method: null,
    reject_reason: null,
    record_id: null,
    due_on: addDays(shanghaiDate(now), APPEAL_SLA_DAYS),
    created_at: nowIso,
    updated_at: nowIso,
    closed_at: null,
  }
  try {
    await ctx.db.transaction().execute(async (trx) => {
      await insertAppeal(trx, row)
      await audit(ctx, trx, accountId, 'appeal.filed', person.id, { appealId: row.id, kind: row.kind, reason: row.reason, filedFor: row.filed_for, relativeId: row.relative_id })
      await queueAppealNotices(trx, ctx.dialect, { appealId: row.id, personId: person.id, state: row.state, now: nowIso })
    })
  } catch (err) {
    if (!isUniqueViolation(err)) throw err
    // Filed twice at once: the other one committed first.
    const winner = await findOpenAppealOfPerson(ctx.db, person.id)
    if (!winner) throw err
    await audit(ctx, ctx.db, accountId, 'appeal.file_refused', person.id, { reason: 'APPEAL_ALREADY_OPEN', openAppealId: winner.id, state: winner.state })
    throw alreadyOpen(winner)
  }
  return appealView(row)
}

/** The person's latest appeal (open, else the last closed one) for 首页 or the relative's page. */
export async function appealStatus(ctx: ServiceContext, caller: Caller, relativeId?: string): Promise<AppealStatusView> {
  const { accountId, person } = await subjectOf(ctx, caller, relativeId, 'appeal.read_refused')
  const row = await latestAppealOfPerson(ctx.db, person.id)
  if (relativeId !== undefined) await audit(ctx, ctx.db, accountId, 'relative.appeal_read', person.id, { relativeId, found: !!row })
  return row ? { appeal: appealView(row) } : {}
}
