/**
 * The agency's decisions and offline records on certification_records, and a blind index for
 * finding a person by name.
 *
 * certification_records gains:
 *  - decided_at / decided_by / decision_reason / decision_note: a reviewer's decision on a record
 *    that waited for 人工审核 (result pending_review → passed | failed). The decision is taken with one
 *    conditional UPDATE … WHERE result = 'pending_review' AND decided_at IS NULL, so of two reviewers
 *    deciding at once exactly one changes the row.
 *  - performer_agency_user_id / offline_place / offline_verified_how: a certification done at the
 *    window, in the community or at home (线下认证登记), recorded by a clerk (the performer).
 *  - agency_request_id: the clerk's client-generated request id, unique per clerk, so a retried
 *    offline record gives the same record, not two.
 * The review queue reads pending records oldest first: a partial index holds only those rows.
 *
 * persons.name_hash: HMAC of the normalised name under the PII index key (as id_number_hash), NULL
 * until filled. It is NOT filled here: a migration has no key and must not see plaintext (007 kept
 * that rule). The backend fills it at start, in batches, with the cipher (server/roster/name-hash-backfill.ts);
 * the roster import writes it for every row it writes from now on.
 */
import { sql, type Kysely } from 'kysely'
import type { Dialect } from '../schema'

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyDb = Kysely<any>

const RECORD_COLUMNS = [
  'decided_at',
  'decided_by',
  'decision_reason',
  'decision_note',
  'performer_agency_user_id',
  'offline_place',
  'offline_verified_how',
  'agency_request_id',
] as const

export async function up(db: AnyDb, _dialect: Dialect): Promise<void> {
  for (const column of RECORD_COLUMNS) await db.schema.alterTable('certification_records').addColumn(column, 'text').execute()
  await sql`create index certification_records_pending on certification_records (certified_at, id) where result = 'pending_review'`.execute(db)
  // NULLs are distinct in both stores: only the clerk's own retries collide.
  await db.schema
    .createIndex('certification_records_agency_request')
    .unique()
    .on('certification_records')
    .columns(['performer_agency_user_id', 'agency_request_id'])
    .execute()

  await db.schema.alterTable('persons').addColumn('name_hash', 'text').execute()
  await db.schema.createIndex('persons_name_hash').on('persons').column('name_hash').execute()
}
