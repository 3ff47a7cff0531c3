/**
 * Per-caller limit on failed identity checks (anything that takes a name + ID number): at most
 * MAX_FAILURES roster-check failures in WINDOW_MS per account, counted from the audit log so that
 * every instance sees the same count.
 */
import { countRecentAudit } from '../repositories/audit'
import { HttpError } from '../http/errors'
import type { ServiceContext } from './context'

export const MAX_FAILURES = 5
export const WINDOW_MS = 10 * 60 * 1000
/** Audit actions that count as a failed identity check. */
export const FAILED_CHECK_ACTIONS = ['binding.failed', 'ssc.local_authorize.failed'] as const

export async function assertNotLockedOut(ctx: ServiceContext, accountId: string): Promise<void> {
  const since = new Date(ctx.clock().getTime() - WINDOW_MS).toISOString()
  const failures = await countRecentAudit(ctx.db, accountId, FAILED_CHECK_ACTIONS, since)
  if (failures >= MAX_FAILURES) throw new HttpError('RATE_LIMITED')
}
