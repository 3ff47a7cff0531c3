/**
 * The two steps after a claim: attempt is recorded BEFORE the platform call, ack after it; what each
 * WeChat answer means (sent, refused, retry later, unknown — never again) is decided here.
 */
import type { AckView, AttemptView } from '../../src/core/contracts/reminders'
import { backoffMs, classifySend } from '../../src/core/reminders/policy'
import { attemptedRowsOf, finishRow, markAttempted } from '../repositories/outbox'
import { clearSubscription, refundCredit } from '../repositories/subscriptions'
import type { RemindersDeps } from './deps'

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
