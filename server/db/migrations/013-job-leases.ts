/**
 * job_leases: one row per scheduled job (the reminder round, …) naming which runner holds it and
 * until when. A runner takes the job with one conditional upsert (INSERT … ON CONFLICT DO UPDATE …
 * WHERE lease_until <= now), so on every instance the same schedule may fire and only one runner
 * works at a time; a runner killed mid-round holds the job only until its lease runs out.
 */
import type { Kysely } from 'kysely'
import type { Dialect } from '../schema'

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>, _dialect: Dialect): Promise<void> {
  await db.schema
    .createTable('job_leases')
    .addColumn('job', 'text', (c) => c.primaryKey())
    .addColumn('holder', 'text', (c) => c.notNull())
    .addColumn('lease_until', 'text', (c) => c.notNull())
    .addColumn('claimed_at', 'text', (c) => c.notNull())
    .execute()
}
