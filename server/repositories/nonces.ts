/** Used request nonces, shared by every backend instance on the same store. */
import type { Db } from './types'

/** Records the nonce; false when it was already there (a replay). */
export async function tryUseNonce(db: Db, nonce: string, expiresAt: string): Promise<boolean> {
  const rows = await db
    .insertInto('used_nonces')
    .values({ nonce, expires_at: expiresAt })
    .onConflict((oc) => oc.column('nonce').doNothing())
    .returning('nonce')
    .execute()
  return rows.length === 1
}

export async function purgeExpiredNonces(db: Db, now: string): Promise<void> {
  await db.deleteFrom('used_nonces').where('expires_at', '<', now).execute()
}
