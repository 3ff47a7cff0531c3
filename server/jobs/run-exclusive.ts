/**
 * runExclusive: the guard every instance puts around a scheduled job, so the same schedule can run
 * on all instances and the job still runs once at a time. Claim with lease (job_leases) rather than
 * a PostgreSQL advisory lock: it works the same on both stores, and a runner killed with SIGKILL
 * blocks the job only until its lease ends. While the job runs its lease is renewed every third of
 * the lease, so a slow round is not taken over; a round that outlives a lost lease is the caller's
 * to tolerate (the reminder round is: its own rows are claimed with leases as well).
 */
import { randomBytes } from 'node:crypto'
import type { Db } from '../repositories/types'
import { claimLease, releaseLease, renewLease } from './leases'

export type Exclusive<T> = { ran: true; value: T } | { ran: false }

export interface RunExclusiveOptions {
  /** Who runs (shows in job_leases.holder); a random id by default. */
  holder?: string
  clock?: () => Date
}

const iso = (d: Date, plusMs = 0) => new Date(d.getTime() + plusMs).toISOString()

export async function runExclusive<T>(store: { db: Db }, job: string, leaseMs: number, fn: () => Promise<T>, opts: RunExclusiveOptions = {}): Promise<Exclusive<T>> {
  if (!(leaseMs >= 1000)) throw new Error(`runExclusive(${job}): a lease shorter than a second cannot be renewed in time`)
  const clock = opts.clock ?? (() => new Date())
  const holder = opts.holder ?? `${process.pid}-${randomBytes(6).toString('hex')}`
  const start = clock()
  if (!(await claimLease(store.db, job, holder, iso(start, leaseMs), iso(start)))) return { ran: false }
  let renewing: Promise<unknown> = Promise.resolve()
  const timer = setInterval(() => {
    // A failed renewal (database briefly away) is retried at the next tick; the lease still covers
    // two more of them.
    renewing = renewLease(store.db, job, holder, iso(clock(), leaseMs)).catch(() => false)
  }, Math.floor(leaseMs / 3))
  timer.unref()
  try {
    return { ran: true, value: await fn() }
  } finally {
    clearInterval(timer)
    await renewing
    await releaseLease(store.db, job, holder, iso(clock())).catch(() => undefined)
  }
}
