/**
 * The console's set-based read of certification standing: counts for 概览 and the 逾期名单, region-scoped
 * in SQL. Each state is a range of persons.last_certified_on (or enrolled_on for persons never
 * certified) given by src/core/standing.ts standingBounds / overdueBounds — the same definition the
 * 首页 uses (standingOf), so the console and the 首页 cannot disagree (tested on both stores in
 * __tests__/server/repositories/agency/standing.test.ts).
 *
 * Region scope is a range on region_code ([prefix, next prefix)), not LIKE: it uses the
 * persons(region_code, last_certified_on, …) index of migration 014 on both stores whatever the
 * PostgreSQL collation (region codes are digits only).
 */
import { sql, type Expression, type SqlBool } from 'kysely'
import type { CyclePolicy } from '../../../src/core/cycle'
import type { SuspendedBy } from '../../../src/core/contracts/common'
import type { InsuranceType } from '../../../src/core/insurance'
import { overdueBounds, standingBounds, standingFactsOf, standingOf } from '../../../src/core/standing'
import type { Db } from '../types'

/** [lo, hi) of the region codes starting with a digit prefix; hi undefined when the prefix is all 9s or ''. */
export function prefixRange(prefix: string): { lo: string; hi?: string } {
  if (!/^\d*$/.test(prefix)) throw new RangeError('region prefix must be digits')
  let p = prefix
  while (p.endsWith('9')) p = p.slice(0, -1)
  if (p === '') return { lo: prefix }
  return { lo: prefix, hi: p.slice(0, -1) + String(Number(p.at(-1)) + 1) }
}

function inRange(prefix: string): Expression<SqlBool> {
  const { lo, hi } = prefixRange(prefix)
  if (prefix === '') return sql<SqlBool>`1 = 1`
  return hi === undefined ? sql<SqlBool>`region_code >= ${lo}` : sql<SqlBool>`region_code >= ${lo} and region_code < ${hi}`
}

export interface StandingCounts {
  /** Persons on the roster in the region (领取待遇人员). */
  persons: number
  /** 已认证 for the current cycle. */
  certified: number
  /** 待认证: inside the window that is open now (this month for the rolling policies). */
  due: number
  /** 已逾期暂停发放: suspended on the roster, or past the due month. */
  overdue: number
  /** Of the overdue, those suspended on the roster. */
  suspended: number
  /** Of the suspended, those whose deadline has not passed: the agency stopped payment (standingOf's suspendedBy 'agency'). */
  agencySuspended: number
}

export const NO_COUNTS: StandingCounts = { persons: 0, certified: 0, due: 0, overdue: 0, suspended: 0, agencySuspended: 0 }

/** The counts of two groups together. */
export function addCounts(a: StandingCounts, b: StandingCounts): StandingCounts {
  return {
    persons: a.persons + b.persons,
    certified: a.certified + b.certified,
    due: a.due + b.due,
    overdue: a.overdue + b.overdue,
    suspended: a.suspended + b.suspended,
    agencySuspended: a.agencySuspended + b.agencySuspended,
  }
}

/** The state sums of a group of persons (one definition for the counts and the coverage by sub-region). */
function stateSums(today: string, policy: CyclePolicy) {
  const b = standingBounds(today, policy)
  return sql`count(*) as persons,
      sum(case when benefit_status = 'suspended' then 0
               when last_certified_on is not null then (case when last_certified_on >= ${b.passDueBefore} then 1 else 0 end)
               else (case when enrolled_on >= ${b.enrolDueBefore} then 1 else 0 end) end) as certified,
      sum(case when benefit_status = 'suspended' then 0
               when last_certified_on is not null then (case when last_certified_on >= ${b.passOverdueBefore} and last_certified_on < ${b.passDueBefore} then 1 else 0 end)
               else (case when enrolled_on >= ${b.enrolOverdueBefore} and enrolled_on < ${b.enrolDueBefore} then 1 else 0 end) end) as due,
      sum(case when benefit_status = 'suspended' then 1 else 0 end) as suspended,
      sum(case when benefit_status <> 'suspended' then 0
               when last_certified_on is not null then (case when last_certified_on >= ${b.passOverdueBefore} then 1 else 0 end)
               else (case when enrolled_on >= ${b.enrolOverdueBefore} then 1 else 0 end) end) as agency_suspended`
}

type Sum = number | string | null
type SumsRow = { persons: number | string; certified: Sum; due: Sum; suspended: Sum; agency_suspended: Sum }

function countsOf(r: SumsRow | undefined): StandingCounts {
  const n = (v: number | string | null | undefined) => Number(v ?? 0)
  const persons = n(r?.persons)
  const certified = n(r?.certified)
  const due = n(r?.due)
  return { persons, certified, due, overdue: persons - certified - due, suspended: n(r?.suspended), agencySuspended: n(r?.agency_suspended) }
}

/** One aggregate statement over the region's index range (no row reaches JS). */
export async function standingCounts(db: Db, regionPrefix: string, today: string, policy: CyclePolicy): Promise<StandingCounts> {
  const row = await sql<SumsRow>`select ${stateSums(today, policy)} from persons where ${inRange(regionPrefix)}`.execute(db)
  return countsOf(row.rows[0])
}

/**
 * The same counts per region code cut to `length` digits (the next 行政区划 level): the console's
 * coverage chart, and — summed — its headline counts, from a single read of the region. Grouped by
 * the full region_code (the index order: no sort) and folded to the level here — a few hundred
 * aggregated rows, never persons.
 */
export async function standingCountsBySubRegion(
  db: Db,
  regionPrefix: string,
  length: number,
  today: string,
  policy: CyclePolicy,
): Promise<({ regionCode: string } & StandingCounts)[]> {
  const rows = await sql<SumsRow & { region_code: string }>`
    select region_code, ${stateSums(today, policy)}
    from persons where ${inRange(regionPrefix)} group by region_code`.execute(db)
  const subs = new Map<string, StandingCounts>()
  for (const r of rows.rows) {
    const c = countsOf(r)
    const key = r.region_code.slice(0, length)
    const sum = subs.get(key)
    subs.set(key, sum ? addCounts(sum, c) : c)
  }
  return [...subs.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([regionCode, c]) => ({ regionCode, ...c }))
}

export interface OverdueFilter {
  /** The actor's region prefix: nothing outside it is ever read. */
  regionPrefix: string
  /** A narrower prefix inside it (a sub-region); one outside the actor's prefix reads nothing. */
  subRegion?: string
  insuranceType?: InsuranceType
  /** At least this many months suspended (counting the current month); 1 = every overdue person. */
  minMonthsOverdue?: number
}

/** Keyset position: the list is ordered by (region_code, person_no). */
export interface OverdueCursor {
  regionCode: string
  personNo: string
}

export interface OverdueRow {
  personId: string
  personNo: string
  nameMasked: string
  idNumberMasked: string
  regionCode: string
  insuranceType: InsuranceType
  benefitStatus: 'normal' | 'suspended'
  lastCertifiedOn: string | null
  /** YYYY-MM of the cycle the person missed. */
  dueMonth: string
  monthsOverdue: number
  suspendedSince: string
  /** The deadline passed, or the agency suspended payment before it did (the roster, a death signal). */
  suspendedBy: SuspendedBy
  /** Sealed name / ID number: only for the audited XLSX export (never sent to the page). */
  piiEnc: string
}

/** The overdue predicate (with the month threshold) over persons' columns, from the shared bounds. */
function overdueWhere(today: string, policy: CyclePolicy, minMonths: number): Expression<SqlBool> {
  const b = overdueBounds(today, policy, minMonths)
  const byDates = sql<SqlBool>`((last_certified_on is not null and last_certified_on < ${b.passBefore}) or (last_certified_on is null and enrolled_on < ${b.enrolBefore}))`
  if (minMonths <= 1) return sql<SqlBool>`(benefit_status = 'suspended' or ${byDates})`
  // A suspension without a date counts from its window's end: the same ranges as a normal person.
  return sql<SqlBool>`((benefit_status = 'suspended' and suspended_since is not null and suspended_since < ${b.suspendedBefore})
    or ((benefit_status = 'normal' or suspended_since is null) and ${byDates}))`
}

function filtered(db: Db, f: OverdueFilter, today: string, policy: CyclePolicy) {
  let q = db.selectFrom('persons').where(inRange(f.regionPrefix))
  if (f.subRegion !== undefined) q = q.where(inRange(f.subRegion))
  if (f.insuranceType) q = q.where('insurance_type', '=', f.insuranceType)
  return q.where(overdueWhere(today, policy, f.minMonthsOverdue ?? 1))
}

/** How many persons the filter selects (the export's progress total). */
export async function countOverdue(db: Db, f: OverdueFilter, today: string, policy: CyclePolicy): Promise<number> {
  const row = await filtered(db, f, today, policy)
    .select((eb) => eb.fn.countAll().as('n'))
    .executeTakeFirstOrThrow()
  return Number(row.n)
}

/** One page of the overdue list, ordered by (region_code, person_no), after the cursor. */
export async function overdueList(db: Db, f: OverdueFilter, today: string, policy: CyclePolicy, page: { limit: number; after?: OverdueCursor }): Promise<OverdueRow[]> {
  let q = filtered(db, f, today, policy).select([
    'id',
    'person_no',
    'name_masked',
    'id_number_masked',
    'region_code',
    'insurance_type',
    'benefit_status',
    'last_certified_on',
    'enrolled_on',
    'suspended_since',
    'pii_enc',
  ])
  if (page.after) {
    const { regionCode, personNo } = page.after
    // A row-value comparison: one index seek on persons(region_code, person_no) on both stores.
    q = q.where(sql<SqlBool>`(region_code, person_no) > (${regionCode}, ${personNo})`)
  }
  const rows = await q.orderBy('region_code').orderBy('person_no').limit(page.limit).execute()
  return rows.map((p) => {
    const s = standingOf(standingFactsOf(p), today, policy)
    return {
      personId: p.id,
      personNo: p.person_no,
      nameMasked: p.name_masked,
      idNumberMasked: p.id_number_masked,
      regionCode: p.region_code,
      insuranceType: p.insurance_type,
      benefitStatus: p.benefit_status,
      lastCertifiedOn: p.last_certified_on,
      dueMonth: `${s.dueMonth.year}-${String(s.dueMonth.month).padStart(2, '0')}`,
      monthsOverdue: s.monthsOverdue,
      // Every selected row is overdue (the SQL and standingOf share their bounds).
      suspendedSince: s.suspendedSince ?? '',
      suspendedBy: s.suspendedBy ?? 'deadline',
      piiEnc: p.pii_enc,
    }
  })
}

/** Every overdue row of the filter, page by page in list order (the XLSX export reads this; memory stays flat). */
export async function* overduePages(db: Db, f: OverdueFilter, today: string, policy: CyclePolicy, pageSize = 1000): AsyncGenerator<OverdueRow[]> {
  let after: OverdueCursor | undefined
  for (;;) {
    const rows = await overdueList(db, f, today, policy, { limit: pageSize, ...(after ? { after } : {}) })
    if (rows.length === 0) return
    yield rows
    if (rows.length < pageSize) return
    const last = rows[rows.length - 1]
    after = { regionCode: last.regionCode, personNo: last.personNo }
  }
}

/** The same, row by row. */
export async function* allOverdue(db: Db, f: OverdueFilter, today: string, policy: CyclePolicy, pageSize = 1000): AsyncGenerator<OverdueRow> {
  for await (const page of overduePages(db, f, today, policy, pageSize)) yield* page
}
