/**
 * limit_counters: one row per (limit key, time bucket) holding how many units are taken. A unit is
 * taken with one conditional upsert (INSERT … ON CONFLICT DO UPDATE … WHERE used < max RETURNING), so
 * the check and the count are one statement on both stores and every instance sees the same count.
 * Keys name the limit and whom it counts (an account id, or the keyed hash of an ID number — never
 * the number itself); buckets are fixed windows (a Beijing day, a clock-aligned minute …).
 * expires_at lets old rows be purged in small batches.
 */
import type { Kysely } from 'kysely'
import type { Dialect } from '../schema'

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>, _dialect: Dialect): Promise<void> {
  await db.schema
    .createTable('limit_counters')
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('bucket', 'text', (c) => c.notNull())
    .addColumn('used', 'integer', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('limit_counters_pk', ['key', 'bucket'])
    .execute()
  await db.schema.createIndex('limit_counters_expires').on('limit_counters').column('expires_at').execute()
}
