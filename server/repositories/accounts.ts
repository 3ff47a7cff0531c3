/** Platform identities (WeChat openid, or the local sign-in) as accounts. */
import type { Caller } from '../../src/core/contracts/common'
import { newId } from '../db/ids'
import type { Db } from './types'

/** Creates the account on first sight, otherwise touches last_seen_at; returns its id. */
export async function ensureAccount(db: Db, caller: Caller, now: string): Promise<string> {
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
