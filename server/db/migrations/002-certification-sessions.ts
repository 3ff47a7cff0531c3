/** Certification sessions: challenge, nonce, expiry, performer and subject, outcome (docs/backend-api.md). */
import { sql, type Kysely } from 'kysely'
import type { Dialect } from '../schema'

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyDb = Kysely<any>

export async function up(db: AnyDb, _dialect: Dialect): Promise<void> {
  await db.schema
    .createTable('certification_sessions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id'))
    .addColumn('performer', 'text', (c) => c.notNull().check(sql`performer in ('self', 'relative', 'unit_admin')`))
    .addColumn('person_id', 'text', (c) => c.notNull().references('persons.id'))
    .addColumn('channel', 'text', (c) => c.notNull().check(sql`channel in ('weapp', 'h5')`))
    .addColumn('challenge', 'text', (c) => c.notNull())
    .addColumn('nonce_hash', 'text', (c) => c.notNull())
    .addColumn('liveness_config', 'text', (c) => c.notNull())
    .addColumn('identity_kind', 'text', (c) => c.notNull())
    .addColumn('identity_step', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('open', 'completed', 'rejected')`))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('completed_at', 'text')
    .addColumn('record_id', 'text', (c) => c.references('certification_records.id'))
    .addColumn('reason_code', 'text')
    .addColumn('rejected_code', 'text')
    .addColumn('summary_digest', 'text')
    .addColumn('answer', 'text')
    .execute()
  await db.schema.createIndex('certification_sessions_account_open').on('certification_sessions').columns(['account_id', 'status', 'expires_at']).execute()
  await db.schema.createIndex('certification_sessions_person').on('certification_sessions').columns(['person_id', 'created_at']).execute()
  // NULLs are distinct on both stores: only submitted summaries take part.
  await db.schema.createIndex('certification_sessions_summary_digest').unique().on('certification_sessions').column('summary_digest').execute()
  await db.schema.createIndex('certification_sessions_record').unique().on('certification_sessions').column('record_id').execute()
  // Counting today's failures per person.
  await db.schema.createIndex('certification_records_person_result_time').on('certification_records').columns(['person_id', 'result', 'certified_at']).execute()
}
