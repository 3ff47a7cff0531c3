/**
 * Claiming due messages for sending: each claimed row is checked again against the person's current
 * standing (stale, late, no subscription credit) and built into the message subscribeMessage.send takes.
 * The claim is a lease; attempt and ack (ack.ts) close it.
 */
import { randomBytes } from 'node:crypto'
import type { ClaimedMessage, ClaimView } from '../../src/core/contracts/reminders'
import { nextCycle, type CyclePolicy, type YearMonth } from '../../src/core/cycle'
import { standingFactsOf, standingOf } from '../../src/core/standing'
import type { TemplateData } from '../../src/core/reminders/fields'
import { cycleId, inSendWindow, isLate, parseCycleId, type SubscriptionTemplate } from '../../src/core/reminders/policy'
import { appealUpdateData, certDueData, certificationResultData, REMINDER_PAGE, relativeCertifiedData } from '../../src/core/reminders/templates'
import { appealFactsOf, longTermSubscriptionsOf, openidsOf, personsStandingOf, recordOutcomesOf, type AppealFacts } from '../repositories/claim-reads'
import { claimRows, closeRows, markCreditHeld, type OutboxRow } from '../repositories/outbox'
import { refundCredit, takeCredit } from '../repositories/subscriptions'
import type { ServiceContext } from '../services/context'
import { shanghaiDate } from '../time/clock'
import type { RemindersDeps } from './deps'

// ───────────── current standing (authoritative, as services/status.ts computes it) ─────────────

interface PersonState {
  dueMonth: YearMonth
  suspended: boolean
  name: string
  lastPassDate?: string
}

async function personStates(ctx: ServiceContext, personIds: string[]): Promise<Map<string, PersonState>> {
  const out = new Map<string, PersonState>()
  const persons = await personsStandingOf(ctx.db, personIds)
  const today = shanghaiDate(ctx.clock())
  for (const p of persons) {
    // The due month of the standing the 首页 shows (src/core/standing.ts), from the authoritative last pass.
    const { dueMonth } = standingOf(standingFactsOf(p), today, ctx.cyclePolicy)
    out.set(p.id, { dueMonth, suspended: p.benefit_status === 'suspended', name: ctx.pii.openPerson(p.pii_enc).name, lastPassDate: p.last_certified_on ?? undefined })
  }
  return out
}

function messageData(
  row: OutboxRow,
  state: PersonState,
  today: string,
  record: { certified_at: string; result: string } | undefined,
  policy: CyclePolicy,
  appeal?: AppealFacts,
): TemplateData | undefined {
  if (row.kind === 'appeal') {
    if (!appeal) return undefined
    const appealState = row.cycle.slice(row.cycle.lastIndexOf(':') + 1) as Parameters<typeof appealUpdateData>[0]['state']
    return appealUpdateData({
      personName: state.name,
      state: appealState,
      at: row.created_at,
      visitDate: appeal.visit_date,
      certifiedHow: appeal.close_method === 'home_visit' ? '上门' : appeal.close_method === 'counter' ? '窗口' : null,
      rejectReason: appeal.reject_reason,
    })
  }
  if (row.kind === 'result' || row.kind === 'relative_result') {
    if (!record) return undefined
    const next = cycleId(nextCycle(shanghaiDate(new Date(record.certified_at)), policy).dueMonth)
    // Only passes and reviewers' rejections are queued (repositories/outbox.ts queueResults).
    const input = { personName: state.name, certifiedAt: record.certified_at, nextCycle: next, rejected: record.result !== 'passed' }
    return row.kind === 'result' ? certificationResultData(input) : relativeCertifiedData(input)
  }
  return certDueData({ personName: state.name, kind: row.kind as never, cycle: row.cycle, today })
}

export async function claim(deps: RemindersDeps, batchSize: number, leaseMs: number): Promise<ClaimView> {
  const { ctx, config } = deps
  const nowDate = ctx.clock()
  const now = nowDate.toISOString()
  const token = randomBytes(16).toString('hex')
  const leaseUntil = new Date(nowDate.getTime() + leaseMs).toISOString()
  const skipped = { stale: 0, late: 0, noCredit: 0 }
  if (!inSendWindow(nowDate, config.policy)) return { claimToken: token, leaseUntil, outsideWindow: true, messages: [], skipped }

  const today = shanghaiDate(nowDate)
  const messages: ClaimedMessage[] = []
  await ctx.db.transaction().execute(async (trx) => {
    const rows = await claimRows(trx, token, leaseUntil, now, batchSize)
    if (rows.length === 0) return
    const tctx = { ...ctx, db: trx }
    const states = await personStates(tctx, [...new Set(rows.map((r) => r.person_id))])
    const recordIds = rows.map((r) => r.record_id).filter((x): x is string => !!x)
    const records = await recordOutcomesOf(trx, recordIds)
    // An appeal's message: cycle "<appealId>:<state>".
    const appeals = await appealFactsOf(trx, rows.filter((r) => r.kind === 'appeal').map((r) => r.cycle.slice(0, r.cycle.lastIndexOf(':'))))
    const recipients = [...new Set(rows.map((r) => r.recipient_account_id))]
    const accounts = await openidsOf(trx, recipients)
    const longTerm = await longTermSubscriptionsOf(trx, recipients)

    const close = async (row: OutboxRow, status: 'skipped_stale' | 'skipped_late' | 'skipped_no_credit' | 'failed', error?: string) => {
      if (row.credit_held === 1) await refundCredit(trx, row.recipient_account_id, row.template, now)
      await closeRows(trx, [row.id], status, now, error)
    }

    for (const row of rows) {
      const state = states.get(row.person_id)
      const template = row.template as SubscriptionTemplate
      const due = row.kind !== 'result' && row.kind !== 'relative_result' && row.kind !== 'appeal'
      if (!state) {
        await close(row, 'skipped_stale')
        skipped.stale++
        continue
      }
      if (due) {
        const queued = parseCycleId(row.cycle)
        // Passed since it was queued (the due month moved on), or no longer paid for a due_* kind.
        if (cycleId(state.dueMonth) !== row.cycle || (row.kind !== 'overdue_1' && state.suspended)) {
          await close(row, 'skipped_stale')
          skipped.stale++
          continue
        }
        if (isLate(row.kind, queued, today, config.policy)) {
          await close(row, 'skipped_late')
          skipped.late++
          continue
        }
      }
      const templateId = config.templateIds[template]
      const touser = accounts.get(row.recipient_account_id)
      const appeal = row.kind === 'appeal' ? appeals.get(row.cycle.slice(0, row.cycle.lastIndexOf(':'))) : undefined
      const data = messageData(row, state, today, row.record_id ? records.get(row.record_id) : undefined, ctx.cyclePolicy, appeal)
      if (!templateId || !touser || !data) {
        await close(row, 'failed', !templateId ? 'template id not configured' : !touser ? 'recipient account missing' : row.kind === 'appeal' ? 'appeal missing' : 'record missing')
        deps.log.error({ outboxId: row.id, kind: row.kind, template }, '提醒无法发送：模板或收件人缺失 / reminder cannot be built')
        continue
      }
      if (row.credit_held !== 1 && !longTerm.get(`${row.recipient_account_id}|${template}`)) {
        if (!(await takeCredit(trx, row.recipient_account_id, template, now))) {
          await close(row, 'skipped_no_credit')
          skipped.noCredit++
          continue
        }
        await markCreditHeld(trx, row.id, now)
      }
      messages.push({ id: row.id, kind: row.kind, touser, templateId, page: REMINDER_PAGE, data, miniprogramState: config.miniprogramState, lang: config.lang })
    }
  })
  return { claimToken: token, leaseUntil, outsideWindow: false, messages, skipped }
}
