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
import { preparedReadsOf, type PreparedRead } from '../db/pg-prepared-reads'
import { TurnBatch } from '../db/turn-batch'
import { accountsWithSelfPersonQuery, accountWithSelfPersonQuery, personOf } from './accounts'
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
  // PostgreSQL outside a transaction: with the other status reads of this turn, in one statement.
  const prepared = preparedReadsOf(db)
  const row = prepared ? await statusBatchOf(db, prepared).get(caller) : (await selectAccountSelfStatus(db, caller.platform, caller.openid))[0]
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
const latestRecordColumns = (db: Db) => {
  const json = db.getExecutor().adapter instanceof PostgresAdapter ? pgJsonObjectFrom : sqliteJsonObjectFrom
  const records = () => db.selectFrom('certification_records as r').select(RECORD_COLUMNS.map((c) => `r.${c}` as const)).where('r.person_id', '=', sql.ref<string>('persons.id'))
  return [
    json(records().orderBy('r.certified_at', 'desc').orderBy('r.id', 'desc').limit(sql.lit(1))).as('latest_record'),
    json(records().where('r.result', '=', sql.lit('passed')).orderBy('r.certified_at', 'desc').limit(sql.lit(1))).as('latest_pass'),
  ] as const
}

const selectAccountSelfStatus = compiledOnce(2, (db, platform: string, openid: string) => accountWithSelfPersonQuery(db, platform, openid).select(latestRecordColumns(db)))

type StatusRow = Awaited<ReturnType<typeof selectAccountSelfStatus>>[number]

/**
 * PostgreSQL: the same read for many accounts at once, the (platform, openid) pairs given as two
 * arrays ($1, $2), each row naming its pair. One fixed text, prepared once per connection.
 */
const batchedStatusSql = (db: Db): string => {
  const query = accountsWithSelfPersonQuery(db)
    .select(['accounts.platform as account_platform', 'accounts.openid as account_openid'])
    .select(latestRecordColumns(db))
    .where(sql`(accounts.platform, accounts.openid)`, 'in', sql`(select * from unnest(${'$platforms'}::text[], ${'$openids'}::text[]))`)
    .compile()
  if (query.parameters.join() !== '$platforms,$openids') throw new Error(`batched status read: unexpected parameters ${query.parameters.join()}`)
  return query.sql
}

const keyOf = (platform: string, openid: string): string => `${platform}\u0000${openid}`

/** One batch per store (its prepared way in is registered for the store's own instance only). */
const batches = new WeakMap<PreparedRead, TurnBatch<Caller, StatusRow>>()

function statusBatchOf(db: Db, prepared: PreparedRead): TurnBatch<Caller, StatusRow> {
  let batch = batches.get(prepared)
  if (!batch) {
    const text = batchedStatusSql(db)
    batch = new TurnBatch<Caller, StatusRow>(
      async (callers) => {
        const { rows } = await prepared(text, [callers.map((c) => c.platform), callers.map((c) => c.openid)])
        return new Map((rows as (StatusRow & { account_platform: string; account_openid: string })[]).map((r) => [keyOf(r.account_platform, r.account_openid), r]))
      },
      (c) => keyOf(c.platform, c.openid),
    )
    batches.set(prepared, batch)
  }
  return batch
}
