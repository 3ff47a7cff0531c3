/** Used request nonces, shared by every backend instance on the same store. */
import { sql } from 'kysely'
import { ON_THE_STORE, type BackgroundWrites } from '../db/connect'
import { multiRowInsert } from './multi-row-insert'
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

// Written once per row count (multi-row-insert.ts): the batch's text depends on nothing else.
const insertNonces = multiRowInsert<'used_nonces', { nonce: string; expiresAt: string }, { nonce: string }>('used_nonces', { nonce: (e) => e.nonce, expires_at: (e) => e.expiresAt }, 'on conflict ("nonce") do nothing returning "nonce"')

/**
 * Records several distinct nonces in one statement (one commit); returns those that were new. The
 * primary key decides, so a nonce recorded at the same moment by another instance is new to exactly one.
 * `writes`: where the statement runs (the SQLite worker connection of a server, see connect.ts).
 */
export async function tryUseNonces(db: Db, entries: readonly { nonce: string; expiresAt: string }[], writes: BackgroundWrites = ON_THE_STORE): Promise<Set<string>> {
  if (entries.length === 0) return new Set()
  const rows = await writes.run(insertNonces(db, entries))
  return new Set(rows.map((r) => r.nonce))
}

/**
 * Deletes at most `limit` expired nonces (oldest first) and says how many went: callers loop in small
 * batches so no single statement holds the write lock for long. `writes`: where it runs (a SQLite
 * server's worker connection, so the commits do not sync on the event loop).
 */
export async function purgeExpiredNonces(db: Db, now: string, limit = 1000, writes: BackgroundWrites = ON_THE_STORE): Promise<number> {
  const rows = await writes.run(
    db
      .deleteFrom('used_nonces')
      .where('nonce', 'in', (eb) => eb.selectFrom('used_nonces').select('nonce').where('expires_at', '<', now).orderBy('expires_at').limit(limit))
      .returning('nonce'),
  )
  return rows.length
}

/** Rows in the table (tests and diagnostics). */
export async function countNonces(db: Db): Promise<number> {
  const row = await db.selectFrom('used_nonces').select(sql<number>`count(*)`.as('n')).executeTakeFirstOrThrow()
  return Number(row.n)
}
