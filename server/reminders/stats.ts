/** The outbox at a glance: rows by status, attempts never acknowledged, the last sweep. */
import type { ReminderStatsView } from '../../src/core/contracts/reminders'
import { countAttemptedUnacked, countByStatus, latestSweep } from '../repositories/outbox'
import type { RemindersDeps } from './deps'

export async function stats(deps: RemindersDeps): Promise<ReminderStatsView> {
  const now = deps.ctx.clock().toISOString()
  const last = await latestSweep(deps.ctx.db)
  return {
    byStatus: await countByStatus(deps.ctx.db),
    attemptedUnacked: await countAttemptedUnacked(deps.ctx.db, now),
    ...(last ? { lastSweep: { day: last.day, inserted: last.inserted, finishedAt: last.finished_at } } : {}),
  }
}
