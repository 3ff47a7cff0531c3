/**
 * Counters of the per-account and per-person limits (migration 010). Taking a unit is ONE statement
 * — the upsert only bumps the count while it is below the maximum — so concurrent requests, on one
 * instance or several, can never all read "4 of 5" and all go ahead.
 */
import { sql } from 'kysely'
import type { Db } from './types'

export interface CounterSlot {
  key: string
  bucket: string
}

/** Takes one unit if fewer than `max` are taken in this slot; false when the limit is reached. */
export async function takeUnit(db: Db, slot: CounterSlot, max: number, expiresAt: string): Promise<boolean> {
  if (max < 1) return false
  const rows = await db
    .insertInto('limit_counters')
    .values({ key: slot.key, bucket: slot.bucket, used: 1, expires_at: expiresAt })
    .onConflict((oc) =>
      oc
        .columns(['key', 'bucket'])
        .doUpdateSet({ used: sql<number>`limit_counters.used + 1` })
        .where('limit_counters.used', '<', max),
    )
    .returning('used')
    .execute()
  return rows.length === 1
}

/** Gives a unit back (the outcome it was taken for did not happen); never below zero. */
export async function giveBackUnit(db: Db, slot: CounterSlot): Promise<void> {
  await db
    .updateTable('limit_counters')
    .set({ used: sql<number>`used - 1` })
    .where('key', '=', slot.key)
    .where('bucket', '=', slot.bucket)
    .where('used', '>', 0)
    .execute()
}

/** Units taken in a slot (0 when none), for tests and diagnostics. */
export async function unitsTaken(db: Db, slot: CounterSlot): Promise<number> {
  const row = await db.selectFrom('limit_counters').select('used').where('key', '=', slot.key).where('bucket', '=', slot.bucket).executeTakeFirst()
  return row?.used ?? 0
}

/**
 * Deletes up to `batch` rows whose window is over; returns how many. Small batches keep each
 * statement short (SQLite runs it on the event loop).
 */
export async function purgeExpiredCounters(db: Db, now: string, batch = 500): Promise<number> {
  const res = await sql`
    delete from limit_counters where ("key", bucket) in (
      select "key", bucket from limit_counters where expires_at < ${now} limit ${batch}
    )`.execute(db)
  return Number(res.numAffectedRows ?? 0)
}
