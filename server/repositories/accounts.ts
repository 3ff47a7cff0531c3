/** Platform identities (WeChat openid, or the local sign-in) as accounts. */
import type { Caller } from '../../src/core/contracts/common'
import { newId } from '../db/ids'
import type { Db } from './types'

/**
 * last_seen_at is kept to this resolution: a request writes it only when the stored time is older, so
 * a person reading their status again and again costs one read, not a write and a commit each time.
 */
export const LAST_SEEN_RESOLUTION_MS = 10 * 60_000

/** Creates the account on first sight; otherwise returns it, touching last_seen_at at most once per resolution. */
export async function ensureAccount(db: Db, caller: Caller, now: string): Promise<string> {
  const found = await db
    .selectFrom('accounts')
    .select(['id', 'last_seen_at'])
    .where('platform', '=', caller.platform)
    .where('openid', '=', caller.openid)
    .executeTakeFirst()
  if (found) {
    const stale = new Date(Date.parse(now) - LAST_SEEN_RESOLUTION_MS).toISOString()
    if (found.last_seen_at < stale) {
      // Conditional: of several instances touching it at once, one writes and the others match nothing.
      await db.updateTable('accounts').set({ last_seen_at: now }).where('id', '=', found.id).where('last_seen_at', '<', stale).execute()
    }
    return found.id
  }
  // First sight; another request may be creating the same account at this moment.
  const row = await db
    .insertInto('accounts')
    .values({ id: newId(), platform: caller.platform, openid: caller.openid, created_at: now, last_seen_at: now })
    .onConflict((oc) => oc.columns(['platform', 'openid']).doUpdateSet({ last_seen_at: now }))
    .returning('id')
    .executeTakeFirstOrThrow()
  return row.id
}

export async function findAccountId(db: Db, caller: Caller): Promise<string | undefined> {
  const row = await db
    .selectFrom('accounts')
    .select('id')
    .where('platform', '=', caller.platform)
    .where('openid', '=', caller.openid)
    .executeTakeFirst()
  return row?.id
}
