/**
 * The daily sweep: what is due today goes into the outbox (reminder_outbox), once per (person, cycle,
 * kind, recipient). docs/reminders.md explains the guarantees.
 */
import type { SweepView } from '../../src/core/contracts/reminders'
import { cycleId, dueMonthSources, sweepTargets } from '../../src/core/reminders/policy'
import { findSweep, finishSweep, prepareSweep, queueDue, queueResults, startSweep, type RecipientSource } from '../repositories/outbox'
import { shanghaiDate } from '../time/clock'
import type { RemindersDeps } from './deps'

const RECIPIENT_SOURCES: RecipientSource[] = ['self', 'relative']
/** Result notices look back this far, so a missed daily run still sends them. */
const RESULT_LOOKBACK_MS = 48 * 3_600_000

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
