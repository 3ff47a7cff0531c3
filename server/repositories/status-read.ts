/**
 * Everything a status read shows, in one statement: the account, the person bound to it as 本人, and
 * that person's newest record and newest passed record, each as a JSON object of its columns. On
 * PostgreSQL every statement is a network round trip, and a status read was two of them (the account
 * with its person, then the records) plus its share of a batched nonce insert: the socket writes and
 * the waits for the answers were most of the read's cost there. On SQLite it is one statement instead
 * of two as well.
 */
import { PostgresAdapter, sql } from 'kysely'
import { jsonObjectFrom as pgJsonObjectFrom } from 'kysely/helpers/postgres'
import { jsonObjectFrom as sqliteJsonObjectFrom } from 'kysely/helpers/sqlite'
import type { Caller } from '../../src/core/contracts/common'
import type { CertificationRecordsTable } from '../db/schema'
import { accountWithSelfPersonQuery, personOf } from './accounts'
import { compiledOnce } from './compiled'
import { withRosterRecord, type LatestRecords, type RecordRow } from './records'
import type { Db, PersonRow } from './types'

/** Every column of certification_records, in the JSON object each record is read as. */
const RECORD_COLUMNS = [
  'id',
  'person_id',
  'certified_at',
  'result',
  'method',
  'channel',
  'performed_by',
  'performer_account_id',
  'created_at',
  'performer_relation',
  'via',
  'decided_at',
  'decided_by',
  'decision_reason',
  'decision_note',
  'performer_agency_user_id',
  'offline_place',
  'offline_verified_how',
  'agency_request_id',
] as const satisfies readonly (keyof CertificationRecordsTable)[]

// A column added to the table and not to the list is a type error here (the JSON would lack it).
type Unlisted = Exclude<keyof CertificationRecordsTable, (typeof RECORD_COLUMNS)[number]>
const everyColumnListed: [Unlisted] extends [never] ? true : Unlisted = true
void everyColumnListed

export interface AccountStatusRead {
  id: string
  lastSeenAt: string
  /** The person bound as 本人 and that person's latest records; absent while the account is bound to nobody. */
  self?: { person: PersonRow; records: LatestRecords }
}

/** The account (undefined before its first sight), its 本人 and that person's latest records. */
export async function accountSelfStatus(db: Db, caller: Caller): Promise<AccountStatusRead | undefined> {
  const [row] = await selectAccountSelfStatus(db, caller.platform, caller.openid)
  if (!row) return undefined
  const read: AccountStatusRead = { id: row.account_id, lastSeenAt: row.account_last_seen_at }
  if (row.id === null) return read
  const person = personOf(row as unknown as PersonRow)
  return { ...read, self: { person, records: withRosterRecord(person, recordOf(row.latest_record), recordOf(row.latest_pass)) } }
}

/** PostgreSQL's driver parses json itself; SQLite's json_object arrives as text. */
function recordOf(value: unknown): RecordRow | undefined {
  if (value === null || value === undefined) return undefined
  return (typeof value === 'string' ? JSON.parse(value) : value) as RecordRow
}

// The account read of accounts.ts with the two record reads of records.ts (latestRecordAndPassOfPerson)
// as correlated subqueries: the same order, the same literals ('passed', LIMIT 1, for SQLite's plans),
// compiled once per dialect.
const selectAccountSelfStatus = compiledOnce(2, (db, platform: string, openid: string) => {
  const json = db.getExecutor().adapter instanceof PostgresAdapter ? pgJsonObjectFrom : sqliteJsonObjectFrom
  const records = () => db.selectFrom('certification_records as r').select(RECORD_COLUMNS.map((c) => `r.${c}` as const)).where('r.person_id', '=', sql.ref<string>('persons.id'))
  return accountWithSelfPersonQuery(db, platform, openid).select([
    json(records().orderBy('r.certified_at', 'desc').orderBy('r.id', 'desc').limit(sql.lit(1))).as('latest_record'),
    json(records().where('r.result', '=', sql.lit('passed')).orderBy('r.certified_at', 'desc').limit(sql.lit(1))).as('latest_pass'),
  ])
})
