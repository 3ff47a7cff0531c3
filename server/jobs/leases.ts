/**
 * job_leases rows (migration 013): claim, renew and release one job's lease. Each is ONE statement
 * on both stores, so two instances racing for a job can never both see it free.
 */
import { sql } from 'kysely'
import type { Db } from '../repositories/types'

/** Takes `job` for `holder` until `until` when nobody holds it or the holder's lease ran out. */
export async function claimLease(db: Db, job: string, holder: string, until: string, now: string): Promise<boolean> {
  // job_leases is not in the typed schema (server/db/schema.ts belongs to the data model, and no
  // request path reads it), hence raw SQL; the statement is identical on SQLite and PostgreSQL.
  const r = await sql<{ holder: string }>`
    insert into job_leases (job, holder, lease_until, claimed_at) values (${job}, ${holder}, ${until}, ${now})
    on conflict (job) do update set holder = excluded.holder, lease_until = excluded.lease_until, claimed_at = excluded.claimed_at
    where job_leases.lease_until <= ${now}
    returning holder`.execute(db)
  return r.rows.length === 1 && r.rows[0].holder === holder
}

/** Moves the lease end while `holder` still holds it; false when it was lost (expired and taken). */
export async function renewLease(db: Db, job: string, holder: string, until: string): Promise<boolean> {
  const r = await sql`update job_leases set lease_until = ${until} where job = ${job} and holder = ${holder}`.execute(db)
  return Number(r.numAffectedRows ?? 0n) === 1
}

/** Ends the lease now, so the next scheduled run on any instance need not wait for it to expire. */
export async function releaseLease(db: Db, job: string, holder: string, now: string): Promise<void> {
  await sql`update job_leases set lease_until = ${now} where job = ${job} and holder = ${holder}`.execute(db)
}

export async function leaseOf(db: Db, job: string): Promise<{ holder: string; lease_until: string } | undefined> {
  const r = await sql<{ holder: string; lease_until: string }>`select holder, lease_until from job_leases where job = ${job}`.execute(db)
  return r.rows[0]
}
