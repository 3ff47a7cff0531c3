/**
 * Reminders (docs/reminders.md):
 *  - reminder_subscriptions: per account and template, one-time credits (each accept in
 *    wx.requestSubscribeMessage is one message) or a long-term flag.
 *  - reminder_outbox: one row per (person, cycle, kind, recipient account) — UNIQUE, so a second sweep
 *    adds nothing (INSERT … ON CONFLICT DO NOTHING). Status moves pending → claimed (lease + claim
 *    token) → attempted (attempted_at written BEFORE the platform call) → sent | refused | invalid |
 *    failed | unknown, or back to pending with a backoff for transient errors; skipped_* when closed
 *    at claim time. An attempted row is never handed out again: at most one message per key.
 *  - reminder_sweeps: which Beijing days were swept (the timer sweeps once a day).
 *  - local_message_inbox: what the LOCAL openapi adapter would have pushed (developer 消息发件箱).
 * Indexes: persons(last_certified_on) and persons(enrolled_on) for never-certified persons drive the
 * set-based sweep; certification_records(certified_at) finds new passes for result notices.
 */
import { sql, type Kysely } from 'kysely'
import type { Dialect } from '../schema'

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyDb = Kysely<any>

export async function up(db: AnyDb, _dialect: Dialect): Promise<void> {
  await db.schema
    .createTable('reminder_subscriptions')
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id'))
    .addColumn('template', 'text', (c) => c.notNull())
    .addColumn('credits', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('long_term', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('accepted_total', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('reminder_subscriptions_pk', ['account_id', 'template'])
    .execute()

  await db.schema
    .createTable('reminder_outbox')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('person_id', 'text', (c) => c.notNull().references('persons.id'))
    .addColumn('cycle', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('recipient_account_id', 'text', (c) => c.notNull().references('accounts.id'))
    .addColumn('template', 'text', (c) => c.notNull())
    /** 'self' (bound 本人) or 'relative'. */
    .addColumn('relation', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', 'text', (c) => c.notNull())
    .addColumn('claim_token', 'text')
    .addColumn('lease_until', 'text')
    .addColumn('attempted_at', 'text')
    .addColumn('credit_held', 'integer', (c) => c.notNull().defaultTo(0))
    /** Result notices: the certification record (its time and next cycle go into the message). */
    .addColumn('record_id', 'text')
    .addColumn('last_errcode', 'integer')
    .addColumn('last_error', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('done_at', 'text')
    .addUniqueConstraint('reminder_outbox_key', ['person_id', 'cycle', 'kind', 'recipient_account_id'])
    .execute()
  // Claim order: ready rows first (partial: only the few open rows are indexed for claiming).
  await sql`create index reminder_outbox_ready on reminder_outbox (next_attempt_at) where status = 'pending'`.execute(db)
  await sql`create index reminder_outbox_leased on reminder_outbox (lease_until) where status = 'claimed'`.execute(db)
  // Deliberately no index on status or claim_token: every index is paid for by each row a sweep
  // inserts (the sweep's cost is dominated by its inserts); claims return their rows (RETURNING) and
  // attempt/ack address rows by id.

  await db.schema
    .createTable('reminder_sweeps')
    .addColumn('day', 'text', (c) => c.primaryKey())
    .addColumn('started_at', 'text', (c) => c.notNull())
    .addColumn('finished_at', 'text')
    .addColumn('inserted', 'integer', (c) => c.notNull().defaultTo(0))
    .execute()

  await db.schema
    .createTable('local_message_inbox')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('touser', 'text', (c) => c.notNull())
    .addColumn('template_id', 'text', (c) => c.notNull())
    .addColumn('page', 'text', (c) => c.notNull())
    .addColumn('data', 'text', (c) => c.notNull())
    .addColumn('miniprogram_state', 'text', (c) => c.notNull())
    .addColumn('lang', 'text', (c) => c.notNull())
    .addColumn('received_at', 'text', (c) => c.notNull())
    .execute()
  await db.schema.createIndex('local_message_inbox_received').on('local_message_inbox').columns(['received_at', 'id']).execute()

  await db.schema.createIndex('persons_last_certified_on').on('persons').column('last_certified_on').execute()
  await sql`create index persons_never_certified_enrolled on persons (enrolled_on) where last_certified_on is null`.execute(db)
  await db.schema.createIndex('certification_records_certified_at').on('certification_records').column('certified_at').execute()
}
