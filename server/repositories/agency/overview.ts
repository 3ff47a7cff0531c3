/**
 * 概览's charts and queue figures in SQL, region-scoped in the query (the standing counts themselves
 * are in ./standing.ts). Each is one aggregate statement; only aggregated rows reach JS.
 */
import { sql, type Expression, type SqlBool } from 'kysely'
import type { CyclePolicy } from '../../../src/core/cycle'
import type { OverviewChannel } from '../../../src/core/contracts/agency/overview'
import { standingBounds } from '../../../src/core/standing'
import type { Dialect } from '../../db/schema'
import { shanghaiMidnightIso } from '../../time/clock'
import type { Db } from '../types'
import { prefixRange } from './standing'

/** region_code inside the prefix, on the given table alias (digits only: prefixRange checks). */
function inRange(column: string, prefix: string): Expression<SqlBool> {
  const { lo, hi } = prefixRange(prefix)
  if (prefix === '') return sql<SqlBool>`1 = 1`
  const c = sql.ref(column)
  return hi === undefined ? sql<SqlBool>`${c} >= ${lo}` : sql<SqlBool>`${c} >= ${lo} and ${c} < ${hi}`
}

/**
 * Runs the console's aggregate reads. On PostgreSQL inside one transaction with JIT off: these
 * statements are estimated expensive (a region of a million persons), so PostgreSQL would compile
 * them first, and that compilation (about a second) costs more than the reads themselves. SQLite: as is.
 */
export async function withoutJit<T>(db: Db, dialect: Dialect, fn: (db: Db) => Promise<T>): Promise<T> {
  if (dialect !== 'postgres') return fn(db)
  return db.transaction().execute(async (trx) => {
    await sql`set local jit = off`.execute(trx)
    return fn(trx)
  })
}

/** Records waiting for 人工审核 of persons in the region. */
export async function countPendingReview(db: Db, regionPrefix: string): Promise<number> {
  const row = await db
    .selectFrom('certification_records as r')
    .innerJoin('persons as p', 'p.id', 'r.person_id')
    .select((eb) => eb.fn.countAll().as('n'))
    .where('r.result', '=', 'pending_review')
    .where(inRange('p.region_code', regionPrefix))
    .executeTakeFirstOrThrow()
  return Number(row.n)
}

/**
 * The 概览 channel of a record: 静默 (data comparison), 上门 (home visit), 窗口 (counter or community,
 * recorded by a clerk), then for in-app ones 分享 / 通知单 (how it was reached), 家人 (a relative
 * performed it), 单位 (the unit's 专管员 did), else 本人.
 */
const CHANNEL_SQL = sql<OverviewChannel>`case
  when r.method = 'data_comparison' then 'silent'
  when r.method = 'home_visit' then 'home'
  when r.method in ('counter', 'community') then 'window'
  when r.via = 'share' then 'share'
  when r.via = 'notice' then 'notice'
  when r.performed_by = 'relative' then 'relative'
  when r.performed_by = 'unit_admin' then 'unit'
  else 'self' end`

/**
 * Passed certifications per Beijing day and channel from `fromDate` on (the caller folds days into
 * weeks). Both stores scan the weeks' records and look each person up by id for the region: about
 * 3 s for 80,000 records against a million persons on SQLite, hence the service's chart cache.
 */
export async function passesPerDayAndChannel(db: Db, dialect: Dialect, regionPrefix: string, fromDate: string): Promise<{ day: string; channel: OverviewChannel; n: number }[]> {
  const day = dialect === 'postgres' ? sql<string>`to_char(r.certified_at::timestamptz at time zone 'Asia/Shanghai', 'YYYY-MM-DD')` : sql<string>`date(r.certified_at, '+8 hours')`
  const rows = await sql<{ day: string; channel: OverviewChannel; n: number | string }>`
    select ${day} as day, ${CHANNEL_SQL} as channel, count(*) as n
    from certification_records r join persons p on p.id = r.person_id
    where r.result = 'passed' and r.certified_at >= ${shanghaiMidnightIso(fromDate)} and ${inRange('p.region_code', regionPrefix)}
    group by 1, 2`.execute(db)
  return rows.rows.map((r) => ({ day: r.day, channel: r.channel, n: Number(r.n) }))
}

/**
 * Persons overdue at the start of `day` (a month's first day), as the records and roster dates say:
 * on the roster then (enrolled before), and either suspended on the roster since then, or their last
 * pass as of that day — the later of the roster date and the passed records before it — lies before
 * the overdue bound of that day (never certified: the enrolment bound). A person whose
 * last_certified_on is still before the bound needs no record lookup; persons who passed since are
 * checked against the passes of the year before that day, read ONCE as an uncorrelated NOT IN (a
 * hashed subplan on PostgreSQL, an ephemeral index on SQLite; a correlated NOT EXISTS cost one index
 * probe per such person, seconds at a million on PostgreSQL).
 * A roster suspension that was lifted since is not known any more: past suspensions count only
 * through the dates.
 */
export async function overdueAt(db: Db, regionPrefix: string, day: string, policy: CyclePolicy): Promise<number> {
  return (await overdueAtEach(db, regionPrefix, [day], policy))[0].overdue
}

/** Persons overdue (payment suspended) at the start of a day, and of them those the agency suspended before their deadline. */
export interface OverdueAtDay {
  overdue: number
  agencySuspended: number
}

/**
 * overdueAt for several days in ONE statement: one read of the region's persons, and ONE evaluation of the
 * late test per person and day. Each day's sum packs two counts into one integer: a late person adds 1, a
 * person the roster suspended who is not late adds PACK + 1. So the sum is overdue + PACK x agencySuspended.
 * (Two sums per day, one for each count, evaluated the late test twice: about a third slower on both
 * stores, 240 against 185 ms for 180,000 persons on PostgreSQL.)
 */
export async function overdueAtEach(db: Db, regionPrefix: string, days: readonly string[], policy: CyclePolicy): Promise<OverdueAtDay[]> {
  if (days.length === 0) return []
  const sums = days.map((day, i) => {
    // (a CASE, not NOT: the late test is NULL for some never-certified persons, and NOT NULL counts nobody)
    const value = sql`case when p.enrolled_on >= ${day} then 0 when ${lateOn(day, policy)} then 1 when ${suspendedOn(day)} then ${PACK + 1} else 0 end`
    return sql`sum(${value}) as ${sql.ref(`s${i}`)}`
  })
  const latest = [...days].sort().at(-1)!
  const row = await sql<Record<string, number | string | null>>`
    select ${sql.join(sums)} from persons p where ${inRange('p.region_code', regionPrefix)} and p.enrolled_on < ${latest}`.execute(db)
  return days.map((_, i) => {
    const sum = Number(row.rows[0]?.[`s${i}`] ?? 0)
    const agencySuspended = Math.floor(sum / PACK)
    return { overdue: sum - agencySuspended * PACK, agencySuspended }
  })
}

/** Above any region's person count, and PACK x persons stays far inside a 64-bit integer and a double. */
const PACK = 2 ** 26

/** The roster had suspended the person `p`'s payment by the start of `day`. */
function suspendedOn(day: string): Expression<SqlBool> {
  return sql<SqlBool>`(p.benefit_status = 'suspended' and p.suspended_since is not null and p.suspended_since <= ${day})`
}

/** The person `p`'s deadline had passed without a pass by the start of `day` (see overdueAt). */
function lateOn(day: string, policy: CyclePolicy): Expression<SqlBool> {
  const b = standingBounds(day, policy)
  const P = b.passOverdueBefore
  const E = b.enrolOverdueBefore
  const mP = shanghaiMidnightIso(P)
  const mD = shanghaiMidnightIso(day)
  return sql<SqlBool>`(p.last_certified_on < ${P}
      or (p.last_certified_on is null and p.enrolled_on < ${E})
      or (p.last_certified_on >= ${day}
        and (p.roster_certified_on is null or p.roster_certified_on < ${P} or p.roster_certified_on >= ${day})
        and p.id not in (select r.person_id from certification_records r where r.result = 'passed' and r.certified_at >= ${mP} and r.certified_at < ${mD})
        and (p.enrolled_on < ${E} or p.roster_certified_on < ${P}
          or exists (select 1 from certification_records r where r.person_id = p.id and r.result = 'passed' and r.certified_at < ${mP}))))`
}
