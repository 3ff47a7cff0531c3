/**
 * Reminders: daily sweep → outbox → claim (lease) → attempt (recorded BEFORE the platform call) →
 * ack. docs/reminders.md explains the guarantees: at most one message per (person, cycle, kind,
 * recipient), and what a crash between send and ack costs.
 */
import { randomBytes } from 'node:crypto'
import type {
  AckView,
  AttemptView,
  ClaimedMessage,
  ClaimView,
  InboxMessageView,
  InboxView,
  LocalDeliver,
  LocalDeliverView,
  ReminderStatsView,
  SubscriptionsView,
  SweepView,
} from '../../src/core/contracts/reminders'
import type { Caller } from '../../src/core/contracts/common'
import { firstCycle, nextCycle, type CyclePolicy, type YearMonth } from '../../src/core/cycle'
import { checkTemplateData, invalidFieldErrmsg, type TemplateData } from '../../src/core/reminders/fields'
import {
  backoffMs,
  classifySend,
  cycleId,
  dueMonthSources,
  inSendWindow,
  isLate,
  parseCycleId,
  SUBSCRIPTION_TEMPLATES,
  sweepTargets,
  TEMPLATE_TITLES,
  type SubscriptionTemplate,
} from '../../src/core/reminders/policy'
import { certDueData, certificationResultData, REMINDER_PAGE, relativeCertifiedData } from '../../src/core/reminders/templates'
import { newId } from '../db/ids'
import { DomainError } from '../../src/core/errors'
import { ensureAccount } from '../repositories/accounts'
import { appendAudit } from '../repositories/audit'
import { insertInboxMessage, listInboxMessages } from '../repositories/inbox'
import {
  attemptedRowsOf,
  claimRows,
  closeRows,
  countAttemptedUnacked,
  countByStatus,
  findSweep,
  finishRow,
  finishSweep,
  latestSweep,
  markAttempted,
  markCreditHeld,
  prepareSweep,
  queueDue,
  queueResults,
  startSweep,
  type OutboxRow,
  type RecipientSource,
} from '../repositories/outbox'
import { addAccept, clearSubscription, endLongTerm, refundCredit, subscriptionsOfAccount, takeCredit } from '../repositories/subscriptions'
import type { Db } from '../repositories/types'
import type { ServiceContext } from '../services/context'
import { addRelative } from '../services/relatives'
import { shanghaiDate } from '../time/clock'
import type { RemindersConfig } from './config'

export interface ReminderLog {
  error(obj: object, msg: string): void
  warn(obj: object, msg: string): void
  info(obj: object, msg: string): void
}

export interface RemindersDeps {
  ctx: ServiceContext
  config: RemindersConfig
  log: ReminderLog
}

const RECIPIENT_SOURCES: RecipientSource[] = ['self', 'relative']
/** Result notices look back this far, so a missed daily run still sends them. */
const RESULT_LOOKBACK_MS = 48 * 3_600_000

// ───────────── sweep ─────────────

/**
 * Queues everything due on `day` (Beijing): each kind whose window holds the day, for each due month,
 * from both person sources (certified / never certified) and both recipient sources (本人 / relatives),
 * plus result notices for recent passes. One transaction; a second run adds nothing.
 */
export async function sweep(deps: RemindersDeps, day: string | undefined, force: boolean): Promise<SweepView> {
  const { ctx, config } = deps
  const started = Date.now()
  const nowDate = ctx.clock()
  const now = nowDate.toISOString()
  const today = day ?? shanghaiDate(nowDate)
  const previous = await findSweep(ctx.db, today)
  if (previous?.finished_at && !force) return { day: today, skipped: true, inserted: 0, byKind: {}, ms: Date.now() - started }

  const byKind: Record<string, number> = {}
  let inserted = 0
  await ctx.db.transaction().execute(async (trx) => {
    await prepareSweep(trx, ctx.dialect)
    await startSweep(trx, today, now)
    if (config.templateIds.certDue) {
      const targets = sweepTargets(today, config.policy).map((target) => {
        const sources = dueMonthSources(target.dueMonth, ctx.cyclePolicy)
        return {
          kind: target.kind,
          cycle: cycleId(target.dueMonth),
          lastPassBetween: sources.lastPassBetween,
          enrolledBetween: sources.enrolledBetween,
          normalOnly: target.kind !== 'overdue_1',
        }
      })
      const added = await queueDue(trx, ctx.dialect, { template: 'certDue', targets, now })
      for (const [kind, n] of Object.entries(added)) {
        byKind[kind] = (byKind[kind] ?? 0) + n
        inserted += n
      }
    }
    const since = new Date(nowDate.getTime() - RESULT_LOOKBACK_MS).toISOString()
    for (const recipients of RECIPIENT_SOURCES) {
      if (!config.templateIds[recipients === 'self' ? 'certificationResult' : 'relativeCertified']) continue
      const n = await queueResults(trx, ctx.dialect, { since, recipients, now })
      const kind = recipients === 'self' ? 'result' : 'relative_result'
      byKind[kind] = (byKind[kind] ?? 0) + n
      inserted += n
    }
    await finishSweep(trx, today, inserted, ctx.clock().toISOString())
  })
  return { day: today, skipped: false, inserted, byKind, ms: Date.now() - started }
}

/**
 * Result notices for one certification record, right after it committed (for the certification
 * service to call, so the 认证结果通知 does not wait for the next sweep). Idempotent.
 */
export async function queueResultNotices(deps: RemindersDeps, recordId: string): Promise<number> {
  const now = deps.ctx.clock().toISOString()
  let n = 0
  for (const recipients of RECIPIENT_SOURCES) {
    if (!deps.config.templateIds[recipients === 'self' ? 'certificationResult' : 'relativeCertified']) continue
    n += await queueResults(deps.ctx.db, deps.ctx.dialect, { since: now, recordId, recipients, now })
  }
  return n
}

// ───────────── current due month (authoritative, as services/status.ts computes it) ─────────────

interface PersonState {
  dueMonth: YearMonth
  suspended: boolean
  name: string
  lastPassDate?: string
}

async function personStates(ctx: ServiceContext, personIds: string[]): Promise<Map<string, PersonState>> {
  const out = new Map<string, PersonState>()
  if (personIds.length === 0) return out
  const persons = await ctx.db
    .selectFrom('persons')
    .select(['id', 'pii_enc', 'last_certified_on', 'enrolled_on', 'benefit_status'])
    .where('id', 'in', personIds)
    .execute()
  const passes = await ctx.db
    .selectFrom('certification_records')
    .select(['person_id', (eb) => eb.fn.max('certified_at').as('last')])
    .where('person_id', 'in', personIds)
    .where('result', '=', 'passed')
    .groupBy('person_id')
    .execute()
  const lastPass = new Map(passes.map((p) => [p.person_id, p.last ? shanghaiDate(new Date(String(p.last))) : undefined]))
  for (const p of persons) {
    const dates = [lastPass.get(p.id), p.last_certified_on ?? undefined].filter((d): d is string => !!d).sort()
    const last = dates.at(-1)
    const window = last ? nextCycle(last, ctx.cyclePolicy as CyclePolicy) : firstCycle(p.enrolled_on)
    out.set(p.id, { dueMonth: window.dueMonth, suspended: p.benefit_status === 'suspended', name: ctx.pii.openPerson(p.pii_enc).name, lastPassDate: last })
  }
  return out
}

// ───────────── claim ─────────────

function messageData(row: OutboxRow, state: PersonState, today: string, record: { certified_at: string } | undefined, policy: CyclePolicy): TemplateData | undefined {
  if (row.kind === 'result' || row.kind === 'relative_result') {
    if (!record) return undefined
    const next = cycleId(nextCycle(shanghaiDate(new Date(record.certified_at)), policy).dueMonth)
    const input = { personName: state.name, certifiedAt: record.certified_at, nextCycle: next }
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
    const records = new Map(
      recordIds.length === 0 ? [] : (await trx.selectFrom('certification_records').select(['id', 'certified_at']).where('id', 'in', recordIds).execute()).map((r) => [r.id, r]),
    )
    const accounts = new Map(
      (await trx.selectFrom('accounts').select(['id', 'openid']).where('id', 'in', [...new Set(rows.map((r) => r.recipient_account_id))]).execute()).map((a) => [a.id, a.openid]),
    )
    const longTerm = new Map(
      (
        await trx
          .selectFrom('reminder_subscriptions')
          .select(['account_id', 'template', 'long_term'])
          .where('account_id', 'in', [...new Set(rows.map((r) => r.recipient_account_id))])
          .execute()
      ).map((s) => [`${s.account_id}|${s.template}`, s.long_term === 1]),
    )

    const close = async (row: OutboxRow, status: 'skipped_stale' | 'skipped_late' | 'skipped_no_credit' | 'failed', error?: string) => {
      if (row.credit_held === 1) await refundCredit(trx, row.recipient_account_id, row.template, now)
      await closeRows(trx, [row.id], status, now, error)
    }

    for (const row of rows) {
      const state = states.get(row.person_id)
      const template = row.template as SubscriptionTemplate
      const due = row.kind !== 'result' && row.kind !== 'relative_result'
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
      const data = messageData(row, state, today, row.record_id ? records.get(row.record_id) : undefined, ctx.cyclePolicy)
      if (!templateId || !touser || !data) {
        await close(row, 'failed', !templateId ? 'template id not configured' : !touser ? 'recipient account missing' : 'record missing')
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

// ───────────── attempt, ack ─────────────

export async function attempt(deps: RemindersDeps, token: string, ids: string[]): Promise<AttemptView> {
  const now = deps.ctx.clock().toISOString()
  const unique = [...new Set(ids)]
  const attempted = await markAttempted(deps.ctx.db, token, unique, now)
  const ok = new Set(attempted)
  return { attempted, refused: unique.filter((id) => !ok.has(id)) }
}

export async function ack(deps: RemindersDeps, token: string, results: { id: string; errcode: number; errmsg: string }[]): Promise<AckView> {
  const { ctx, config, log } = deps
  const nowDate = ctx.clock()
  const now = nowDate.toISOString()
  const counts: AckView['counts'] = { sent: 0, refused: 0, invalid: 0, retry: 0, unknown: 0, failed: 0 }
  const ignored: string[] = []
  await ctx.db.transaction().execute(async (trx) => {
    const rows = new Map((await attemptedRowsOf(trx, token, results.map((r) => r.id))).map((r) => [r.id, r]))
    for (const result of results) {
      const row = rows.get(result.id)
      if (!row) {
        ignored.push(result.id)
        continue
      }
      rows.delete(result.id) // a repeated id in one ack counts once
      const outcome = classifySend(result.errcode, result.errmsg)
      const errmsg = result.errmsg.slice(0, 300)
      const closed = { claim_token: null, lease_until: null, credit_held: 0, done_at: now, last_errcode: result.errcode, last_error: result.errcode === 0 ? null : errmsg }
      switch (outcome.status) {
        case 'sent':
          await finishRow(trx, row.id, token, { ...closed, status: 'sent', attempts: row.attempts + 1 }, now)
          break
        case 'refused':
          await finishRow(trx, row.id, token, { ...closed, status: 'refused', attempts: row.attempts + 1 }, now)
          await clearSubscription(trx, row.recipient_account_id, row.template, now)
          break
        case 'invalid':
          await finishRow(trx, row.id, token, { ...closed, status: 'invalid', attempts: row.attempts + 1 }, now)
          if (row.credit_held === 1) await refundCredit(trx, row.recipient_account_id, row.template, now)
          log.error(
            { outboxId: row.id, kind: row.kind, template: row.template, field: outcome.field ?? 'unknown', errcode: 47003, errmsg },
            `‼ 订阅消息字段不合格（47003），字段 ${outcome.field ?? '未知'}：不会重试，请修正模板数据 / subscribe message field ${outcome.field ?? '?'} invalid, not retried`,
          )
          break
        case 'unknown':
          // May have been delivered: never again (at-most-once). The credit counts as used.
          await finishRow(trx, row.id, token, { ...closed, status: 'unknown', attempts: row.attempts + 1 }, now)
          log.warn({ outboxId: row.id, kind: row.kind, errcode: result.errcode }, '提醒发送结果未知，不再重发 / send outcome unknown, not retried')
          break
        case 'retry': {
          const attempts = row.attempts + 1
          if (attempts >= config.policy.maxAttempts) {
            await finishRow(trx, row.id, token, { ...closed, status: 'failed', attempts }, now)
            if (row.credit_held === 1) await refundCredit(trx, row.recipient_account_id, row.template, now)
            log.error({ outboxId: row.id, kind: row.kind, errcode: result.errcode, attempts }, '提醒多次发送失败，放弃 / reminder failed after retries')
          } else {
            // Not delivered (WeChat answered with an error, or the request never left): safe to send again.
            await finishRow(
              trx,
              row.id,
              token,
              {
                status: 'pending',
                attempts,
                attempted_at: null,
                claim_token: null,
                lease_until: null,
                next_attempt_at: new Date(nowDate.getTime() + backoffMs(attempts, config.policy)).toISOString(),
                last_errcode: result.errcode,
                last_error: errmsg,
              },
              now,
            )
          }
          break
        }
        case 'failed':
          await finishRow(trx, row.id, token, { ...closed, status: 'failed', attempts: row.attempts + 1 }, now)
          if (row.credit_held === 1) await refundCredit(trx, row.recipient_account_id, row.template, now)
          log.error({ outboxId: row.id, kind: row.kind, template: row.template, errcode: result.errcode, errmsg }, '提醒发送失败（不可重试）/ reminder failed permanently')
          break
      }
      counts[outcome.status]++
    }
  })
  return { counts, ignored }
}

export async function stats(deps: RemindersDeps): Promise<ReminderStatsView> {
  const now = deps.ctx.clock().toISOString()
  const last = await latestSweep(deps.ctx.db)
  return {
    byStatus: await countByStatus(deps.ctx.db),
    attemptedUnacked: await countAttemptedUnacked(deps.ctx.db, now),
    ...(last ? { lastSweep: { day: last.day, inserted: last.inserted, finishedAt: last.finished_at } } : {}),
  }
}

// ───────────── subscriptions ─────────────

export async function subscriptionsView(db: Db, accountId: string): Promise<SubscriptionsView> {
  const rows = new Map((await subscriptionsOfAccount(db, accountId)).map((r) => [r.template, r]))
  return {
    subscriptions: SUBSCRIPTION_TEMPLATES.map((kind) => ({
      kind,
      title: TEMPLATE_TITLES[kind],
      credits: rows.get(kind)?.credits ?? 0,
      longTerm: rows.get(kind)?.long_term === 1,
    })),
  }
}

export async function recordSubscription(deps: RemindersDeps, caller: Caller, templates: { kind: SubscriptionTemplate; accepted: boolean }[]): Promise<SubscriptionsView> {
  const { ctx, config } = deps
  const now = ctx.clock().toISOString()
  return ctx.db.transaction().execute(async (trx) => {
    const accountId = await ensureAccount(trx, caller, now)
    if (templates.length === 0) return subscriptionsView(trx, accountId)
    for (const t of templates) {
      const longTerm = config.longTerm.includes(t.kind)
      if (t.accepted) await addAccept(trx, accountId, t.kind, longTerm, now)
      else if (longTerm) await endLongTerm(trx, accountId, t.kind, now)
    }
    await appendAudit(trx, {
      at: now,
      actorType: 'account',
      actorRef: accountId,
      action: 'reminders.subscription_recorded',
      detail: { accepted: templates.filter((t) => t.accepted).map((t) => t.kind).join(','), rejected: templates.filter((t) => !t.accepted).map((t) => t.kind).join(',') },
    })
    return subscriptionsView(trx, accountId)
  })
}

// ───────────── local openapi adapter's inbox (developer only) ─────────────

function refuseInProduction(production: boolean): void {
  if (production) throw new DomainError('FORBIDDEN_IN_PRODUCTION')
}

/** What subscribeMessage.send would answer, checked with the SAME field rules; stored when fine. */
export async function localDeliver(deps: RemindersDeps, production: boolean, body: LocalDeliver): Promise<LocalDeliverView> {
  refuseInProduction(production)
  if (!/^[A-Za-z0-9_-]{6,64}$/.test(body.touser)) return { errcode: 40003, errmsg: 'invalid openid' }
  const known = Object.values(deps.config.templateIds)
  if (!known.includes(body.templateId)) return { errcode: 40037, errmsg: 'invalid template_id' }
  if (body.page && !/^[A-Za-z0-9_\-/]+(\?.*)?$/.test(body.page)) return { errcode: 41030, errmsg: 'invalid page' }
  const violations = checkTemplateData(body.data)
  if (violations.length > 0) return { errcode: 47003, errmsg: invalidFieldErrmsg(violations[0]) }
  await insertInboxMessage(deps.ctx.db, {
    id: newId(),
    touser: body.touser,
    template_id: body.templateId,
    page: body.page,
    data: JSON.stringify(body.data),
    miniprogram_state: body.miniprogramState,
    lang: body.lang,
    received_at: deps.ctx.clock().toISOString(),
  })
  return { errcode: 0, errmsg: 'ok' }
}

export async function listInbox(deps: RemindersDeps, production: boolean, caller: Caller, q: { limit: number; before?: string; onlyMine: boolean }): Promise<InboxView> {
  refuseInProduction(production)
  const rows = await listInboxMessages(deps.ctx.db, { limit: q.limit, before: q.before, touser: q.onlyMine ? caller.openid : undefined })
  const byId = new Map(Object.entries(deps.config.templateIds).map(([k, id]) => [id, k as SubscriptionTemplate]))
  return {
    messages: rows.map((r): InboxMessageView => {
      const template = byId.get(r.template_id)
      return {
        id: r.id,
        touser: r.touser,
        mine: r.touser === caller.openid,
        templateId: r.template_id,
        ...(template ? { template } : {}),
        title: template ? TEMPLATE_TITLES[template] : r.template_id,
        page: r.page,
        data: JSON.parse(r.data) as TemplateData,
        miniprogramState: r.miniprogram_state,
        lang: r.lang,
        receivedAt: r.received_at,
      }
    }),
  }
}


/**
 * Local demo only: a fictional relative account (local:demo_family_reminders) linked to 刘德福
 * (demo roster, never certified → due in the month the roster was loaded) with one credit for
 * 认证到期提醒 and one for 家人认证完成通知, so the first local run shows a message in the 消息发件箱.
 * A relative link blocks nobody: anyone can still bind 刘德福 as 本人 or add him as a relative.
 * Idempotent: credits are given only when the account has no subscription yet.
 */
export const DEMO_RECIPIENT = {
  caller: { platform: 'local' as const, openid: 'demo_family_reminders' },
  name: '刘德福',
  idNumber: '110101193809170532',
}

export async function ensureDemoRecipient(deps: RemindersDeps, production: boolean): Promise<{ created: boolean; subscriptions: SubscriptionsView }> {
  refuseInProduction(production)
  const { ctx } = deps
  await addRelative(ctx, { caller: DEMO_RECIPIENT.caller, name: DEMO_RECIPIENT.name, idNumber: DEMO_RECIPIENT.idNumber, relation: 'other' })
  const accountId = await ensureAccount(ctx.db, DEMO_RECIPIENT.caller, ctx.clock().toISOString())
  const existing = await subscriptionsOfAccount(ctx.db, accountId)
  if (existing.length > 0) return { created: false, subscriptions: await subscriptionsView(ctx.db, accountId) }
  return {
    created: true,
    subscriptions: await recordSubscription(deps, DEMO_RECIPIENT.caller, [
      { kind: 'certDue', accepted: true },
      { kind: 'relativeCertified', accepted: true },
    ]),
  }
}
