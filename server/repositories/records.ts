/** Certification records (历史认证记录). */
import { sql, type Insertable, type Selectable } from 'kysely'
import type { CertificationRecordsTable } from '../db/schema'
import { shanghaiMidnightIso } from '../time/clock'
import { compiledOnce, executeFixed } from './compiled'
import type { Db, PersonRow } from './types'

export type RecordRow = Selectable<CertificationRecordsTable>

/**
 * The columns only some records fill (a helper or clerk who performed it, a review decision, an
 * offline certification, an agency request): all empty, for a record that has none of them.
 */
export const NO_RECORD_DETAILS = {
  performer_account_id: null,
  performer_relation: null,
  via: null,
  decided_at: null,
  decided_by: null,
  decision_reason: null,
  decision_note: null,
  performer_agency_user_id: null,
  offline_place: null,
  offline_verified_how: null,
  agency_request_id: null,
} as const satisfies Partial<RecordRow>

/**
 * The roster's 上次认证日期 shown as a history record (历史数据导入): the person's roster_certified_on at
 * midnight Beijing time. It is not a row (migration 006); its id is derived from the person, stable.
 */
export function rosterRecordOf(person: Pick<PersonRow, 'id' | 'roster_certified_on' | 'updated_at'>): RecordRow | undefined {
  if (!person.roster_certified_on) return undefined
  return {
    id: `roster-${person.id}`,
    person_id: person.id,
    certified_at: shanghaiMidnightIso(person.roster_certified_on),
    result: 'passed',
    method: 'legacy',
    channel: 'import',
    performed_by: 'self',
    created_at: person.updated_at,
    ...NO_RECORD_DETAILS,
  }
}

/** Newest first (certified_at, then id), the same order the history list pages in. */
const newerFirst = (a: RecordRow, b: RecordRow): number => (a.certified_at === b.certified_at ? (a.id < b.id ? 1 : a.id > b.id ? -1 : 0) : a.certified_at < b.certified_at ? 1 : -1)

/** Newest first, the roster's record among them; `before` (exclusive) pages backwards by certified_at. */
export async function listRecordsOfPerson(db: Db, person: PersonRow, limit: number, before?: string): Promise<RecordRow[]> {
  const rows = before ? await selectRecordsBefore(db, person.id, before, limit) : await selectRecords(db, person.id, limit)
  const roster = rosterRecordOf(person)
  if (!roster || (before !== undefined && roster.certified_at >= before)) return rows
  return [...rows, roster].sort(newerFirst).slice(0, limit)
}

/** The newest record of the person, the roster's included. */
export async function latestRecordOfPerson(db: Db, person: PersonRow): Promise<RecordRow | undefined> {
  return (await listRecordsOfPerson(db, person, 1))[0]
}

/**
 * The newest passed in-app certification (the roster's date is not among them). For a person's standing
 * read persons.last_certified_on instead: it already holds the later of the two (src/core/standing.ts).
 */
export async function latestPassOfPerson(db: Db, personId: string): Promise<RecordRow | undefined> {
  return (await selectLatestPass(db, personId))[0]
}

/**
 * The person's newest record (the roster's included) and newest passed in-app record, in one
 * statement: a status read needs both, and on PostgreSQL each statement is a round trip.
 */
export async function latestRecordAndPassOfPerson(db: Db, person: PersonRow): Promise<LatestRecords> {
  const rows = await selectLatestAndPass(db, person.id)
  let latest: RecordRow | undefined
  let lastPass: RecordRow | undefined
  for (const { kind, ...row } of rows) {
    if (kind === 'latest') latest = row
    else lastPass = row
  }
  return withRosterRecord(person, latest, lastPass)
}

/** What a status read shows of the person's records: the newest (the roster's included) and the newest passed in-app one. */
export interface LatestRecords {
  latest?: RecordRow
  lastPass?: RecordRow
}

/** The newest in-app record and pass as read, with the roster's record taking the newest place when it is newer. */
export function withRosterRecord(person: PersonRow, latest: RecordRow | undefined, lastPass: RecordRow | undefined): LatestRecords {
  const roster = rosterRecordOf(person)
  if (roster && (!latest || newerFirst(roster, latest) < 0)) latest = roster
  return { ...(latest ? { latest } : {}), ...(lastPass ? { lastPass } : {}) }
}

/** LIMIT 1 as a literal in the SQL (see selectLatestAndPass). */
const ONE = sql.lit(1)

// Every status read runs these: compiled once.
const selectRecords = compiledOnce(2, (db, personId: string, limit: number) =>
  db.selectFrom('certification_records').selectAll().where('person_id', '=', personId).orderBy('certified_at', 'desc').orderBy('id', 'desc').limit(limit),
)
const selectRecordsBefore = compiledOnce(3, (db, personId: string, before: string, limit: number) =>
  db
    .selectFrom('certification_records')
    .selectAll()
    .where('person_id', '=', personId)
    .where('certified_at', '<', before)
    .orderBy('certified_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit),
)
const selectLatestPass = compiledOnce(1, (db, personId: string) =>
  db.selectFrom('certification_records').selectAll().where('person_id', '=', personId).where('result', '=', sql.lit('passed')).orderBy('certified_at', 'desc').limit(ONE),
)

/** Of these persons, those with a try still waiting for 人工审核 (undecided pending_review; index person_id, result). */
export async function personsAwaitingReview(db: Db, personIds: readonly string[]): Promise<Set<string>> {
  if (personIds.length === 0) return new Set()
  const rows = await db
    .selectFrom('certification_records')
    .select('person_id')
    .distinct()
    .where('person_id', 'in', personIds)
    .where('result', '=', 'pending_review')
    .where('decided_at', 'is', null)
    .execute()
  return new Set(rows.map((r) => r.person_id))
}

export async function insertRecord(db: Db, row: Insertable<CertificationRecordsTable>): Promise<void> {
  // (each caller passes the same columns every time: a few fixed texts)
  await executeFixed(db, db.insertInto('certification_records').values(row))
}

export async function countRecords(db: Db): Promise<number> {
  const row = await db.selectFrom('certification_records').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()
  return Number(row.n)
}
// The constants (LIMIT 1, 'passed') are written into the SQL rather than bound: on SQLite a bound
// LIMIT costs a prepared statement's run about four times a literal one (17 µs against 4 µs on the
// bench's store, measured with better-sqlite3 alone), and this read runs on every status request.
const selectLatestAndPass = compiledOnce(1, (db, personId: string) =>
  db
    .selectFrom(
      db.selectFrom('certification_records').selectAll().where('person_id', '=', personId).orderBy('certified_at', 'desc').orderBy('id', 'desc').limit(ONE).as('latest'),
    )
    .selectAll()
    .select(sql.lit('latest').as('kind'))
    .unionAll(
      db
        .selectFrom(
          db
            .selectFrom('certification_records')
            .selectAll()
            .where('person_id', '=', personId)
            .where('result', '=', sql.lit('passed'))
            .orderBy('certified_at', 'desc')
            .limit(ONE)
            .as('pass'),
        )
        .selectAll()
        .select(sql.lit('pass').as('kind')),
    ),
)
