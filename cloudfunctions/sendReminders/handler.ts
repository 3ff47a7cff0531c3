/**
 * sendReminders (timer, no OPENID): sweep if the day was not swept yet → claim a batch → for each
 * group of `concurrency` messages: attempt (the backend records attempted_at BEFORE we call WeChat) →
 * send through the port → ack. Stops when nothing is left, outside the send window, or when the time
 * budget runs out (default 45 s: the cloud function must finish well under 60 s). Claimed but
 * unattempted rows are simply re-claimed after their lease; attempted but unacknowledged rows are
 * never sent again (docs/reminders.md § at most once).
 */
import type { ClaimedMessage } from '../../src/core/contracts/reminders'
import { OUTCOME_UNKNOWN } from '../../src/core/reminders/policy'
import type { BackendPort, Clock } from '../_shared/ports'
import type { SendResult, SubscribeMessagePort } from './port'

export interface SenderOptions {
  /** Stop starting new work after this long (ms). Default 45 000. */
  budgetMs?: number
  batchSize?: number
  leaseMs?: number
  /** Messages sent in parallel (each is attempted first). Default 5. */
  concurrency?: number
  /** Sweep even if today was swept (local runs: late bindings/subscriptions show up at once). */
  forceSweep?: boolean
  /** Skip the sweep (tests of the sending loop). */
  noSweep?: boolean
}

export interface SenderDeps {
  backend: BackendPort
  port: SubscribeMessagePort
  clock: Clock
  log?: (message: string) => void
  /** Called after each message was sent and before its ack (tests use it to crash "in the middle"). */
  afterSend?: (message: ClaimedMessage, result: SendResult) => void | Promise<void>
}

export interface SenderReport {
  swept: { inserted: number; skipped: boolean } | null
  claimed: number
  attempted: number
  results: Record<'sent' | 'refused' | 'invalid' | 'retry' | 'unknown' | 'failed', number>
  skipped: { stale: number; late: number; noCredit: number }
  /** Attempted, but the ack did not reach the backend: never resent. */
  unacked: number
  stoppedBy: 'empty' | 'budget' | 'outside_window' | 'backend_error'
  ms: number
}

export const DEFAULT_SENDER = { budgetMs: 45_000, batchSize: 50, leaseMs: 60_000, concurrency: 5 } as const

export async function runSender(deps: SenderDeps, options: SenderOptions = {}): Promise<SenderReport> {
  const budgetMs = options.budgetMs ?? DEFAULT_SENDER.budgetMs
  const batchSize = options.batchSize ?? DEFAULT_SENDER.batchSize
  const leaseMs = options.leaseMs ?? DEFAULT_SENDER.leaseMs
  const concurrency = Math.max(1, options.concurrency ?? DEFAULT_SENDER.concurrency)
  const log = deps.log ?? ((m: string) => console.log(m))
  const started = deps.clock.now().getTime()
  const left = () => budgetMs - (deps.clock.now().getTime() - started)
  const report: SenderReport = {
    swept: null,
    claimed: 0,
    attempted: 0,
    results: { sent: 0, refused: 0, invalid: 0, retry: 0, unknown: 0, failed: 0 },
    skipped: { stale: 0, late: 0, noCredit: 0 },
    unacked: 0,
    stoppedBy: 'empty',
    ms: 0,
  }
  const done = (stoppedBy: SenderReport['stoppedBy']) => {
    report.stoppedBy = stoppedBy
    report.ms = deps.clock.now().getTime() - started
    return report
  }

  if (!options.noSweep) {
    const swept = await deps.backend.post('/v1/reminders/sweep', { force: options.forceSweep ?? false })
    if (swept.ok) report.swept = { inserted: swept.data.inserted, skipped: swept.data.skipped }
    else log(`[sendReminders] sweep failed: ${swept.error.code}`)
  }

  for (;;) {
    if (left() <= 0) return done('budget')
    const claimed = await deps.backend.post('/v1/reminders/claim', { batchSize, leaseMs })
    if (!claimed.ok) {
      log(`[sendReminders] claim failed: ${claimed.error.code}`)
      return done('backend_error')
    }
    const { claimToken, messages, outsideWindow, skipped } = claimed.data
    report.skipped.stale += skipped.stale
    report.skipped.late += skipped.late
    report.skipped.noCredit += skipped.noCredit
    if (outsideWindow) return done('outside_window')
    if (messages.length === 0) {
      // A batch may have been all skipped rows: look again unless nothing at all came back.
      if (skipped.stale + skipped.late + skipped.noCredit > 0) continue
      return done('empty')
    }
    report.claimed += messages.length

    for (let i = 0; i < messages.length; i += concurrency) {
      // Unattempted rows of this claim go back to the queue when the lease ends.
      if (left() <= 0) return done('budget')
      const group = messages.slice(i, i + concurrency)
      const attempted = await deps.backend.post('/v1/reminders/attempt', { claimToken, ids: group.map((m) => m.id) })
      if (!attempted.ok) {
        log(`[sendReminders] attempt failed: ${attempted.error.code}`)
        return done('backend_error')
      }
      const allowed = new Set(attempted.data.attempted)
      const toSend = group.filter((m) => allowed.has(m.id))
      report.attempted += toSend.length
      const results = await Promise.all(
        toSend.map(async (m) => {
          let result: SendResult
          try {
            result = await deps.port.send({ touser: m.touser, templateId: m.templateId, page: m.page, data: m.data, miniprogramState: m.miniprogramState, lang: m.lang })
          } catch {
            result = { errcode: OUTCOME_UNKNOWN, errmsg: 'port threw' }
          }
          await deps.afterSend?.(m, result)
          return { id: m.id, errcode: result.errcode, errmsg: result.errmsg }
        }),
      )
      if (results.length === 0) continue
      let acked = await deps.backend.post('/v1/reminders/ack', { claimToken, results })
      if (!acked.ok) acked = await deps.backend.post('/v1/reminders/ack', { claimToken, results })
      if (!acked.ok) {
        report.unacked += results.length
        log(`[sendReminders] ack failed (${acked.error.code}): ${results.length} attempted messages stay unacknowledged and will not be resent`)
        return done('backend_error')
      }
      for (const [k, n] of Object.entries(acked.data.counts)) report.results[k as keyof SenderReport['results']] += n
    }
  }
}

/** The cloud function body: the timer passes no useful event; options come from the environment. */
export function senderOptionsFromEnv(env: Record<string, string | undefined>): SenderOptions {
  const int = (raw: string | undefined, min: number, max: number, fallback: number) => {
    const n = Number(raw)
    return raw && Number.isInteger(n) && n >= min && n <= max ? n : fallback
  }
  return {
    budgetMs: int(env.REMINDER_BUDGET_MS, 1000, 55_000, DEFAULT_SENDER.budgetMs),
    batchSize: int(env.REMINDER_BATCH_SIZE, 1, 500, DEFAULT_SENDER.batchSize),
    leaseMs: int(env.REMINDER_LEASE_MS, 1000, 900_000, DEFAULT_SENDER.leaseMs),
    concurrency: int(env.REMINDER_CONCURRENCY, 1, 20, DEFAULT_SENDER.concurrency),
  }
}
