/**
 * 我要申诉 / 申请上门认证 (issue 16): a retiree — or a relative for them — asks the agency for help after
 * face certification failed, or because it cannot work for them (bedridden, no smartphone).
 *
 * appeals: one row per request. kind 'appeal' (申诉) or 'home_visit' (申请上门认证); the contact phone
 * and, for 上门, the address are sealed with the PII key (phone_enc, address_enc) — phone_masked is
 * what every screen shows. state: submitted → processing → visit_scheduled → completed | rejected.
 * due_on is the SLA date (Beijing calendar day) the console counts down to.
 *
 * At most ONE open appeal per person: a partial unique index over the open states (both stores
 * support `create unique index … where`), so two filings at once cannot both succeed.
 */
import { sql, type Kysely } from 'kysely'
import type { Dialect } from '../schema'

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>, _dialect: Dialect): Promise<void> {
  await db.schema
    .createTable('appeals')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('person_id', 'text', (c) => c.notNull())
    .addColumn('filed_by_account_id', 'text', (c) => c.notNull())
    .addColumn('filed_for', 'text', (c) => c.notNull())
    .addColumn('relative_id', 'text')
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('note', 'text')
    .addColumn('phone_enc', 'text', (c) => c.notNull())
    .addColumn('phone_masked', 'text', (c) => c.notNull())
    .addColumn('address_enc', 'text')
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('assigned_to', 'text')
    .addColumn('visit_date', 'text')
    .addColumn('visit_staff', 'text')
    .addColumn('outcome', 'text')
    .addColumn('close_method', 'text')
    .addColumn('reject_reason', 'text')
    .addColumn('record_id', 'text')
    .addColumn('due_on', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('closed_at', 'text')
    .execute()
  await sql`create unique index appeals_one_open on appeals (person_id) where state in ('submitted', 'processing', 'visit_scheduled')`.execute(db)
  await db.schema.createIndex('appeals_person').on('appeals').columns(['person_id', 'created_at']).execute()
  // The console's queue: open appeals, oldest first.
  await sql`create index appeals_queue on appeals (created_at, id) where state in ('submitted', 'processing', 'visit_scheduled')`.execute(db)
}
