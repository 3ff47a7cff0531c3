/** Roster, accounts, bindings, certification records, append-only audit log, used nonces. */
import { sql, type Kysely } from 'kysely'
import type { Dialect } from '../schema'

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyDb = Kysely<any>

export async function up(db: AnyDb, dialect: Dialect): Promise<void> {
  await db.schema
    .createTable('persons')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('person_no', 'text', (c) => c.notNull().unique())
    .addColumn('name_enc', 'text', (c) => c.notNull())
    .addColumn('name_masked', 'text', (c) => c.notNull())
    .addColumn('id_number_enc', 'text', (c) => c.notNull())
    .addColumn('id_number_hash', 'text', (c) => c.notNull().unique())
    .addColumn('id_number_masked', 'text', (c) => c.notNull())
    .addColumn('card_number_enc', 'text', (c) => c.notNull())
    .addColumn('card_number_hash', 'text', (c) => c.notNull())
    .addColumn('insurance_type', 'text', (c) => c.notNull().check(sql`insurance_type in ('enterprise', 'institution', 'resident')`))
    .addColumn('employer', 'text', (c) => c.notNull())
    .addColumn('benefit_status', 'text', (c) => c.notNull().check(sql`benefit_status in ('normal', 'suspended')`))
    .addColumn('suspended_since', 'text')
    .addColumn('last_certified_on', 'text')
    .addColumn('region_code', 'text', (c) => c.notNull())
    .addColumn('enrolled_on', 'text', (c) => c.notNull())
    .addColumn('key_version', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute()

  await db.schema
    .createTable('accounts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('platform', 'text', (c) => c.notNull())
    .addColumn('openid', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('last_seen_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('accounts_platform_openid_unique', ['platform', 'openid'])
    .execute()

  await db.schema
    .createTable('bindings')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id'))
    .addColumn('person_id', 'text', (c) => c.notNull().references('persons.id'))
    .addColumn('relation', 'text', (c) => c.notNull().check(sql`relation in ('self')`))
    .addColumn('method', 'text', (c) => c.notNull())
    .addColumn('bound_at', 'text', (c) => c.notNull())
    .addColumn('unbound_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute()
  // At most one active self-binding per person and per account (partial unique indexes work on both).
  await sql`create unique index bindings_active_self_person on bindings (person_id) where relation = 'self' and unbound_at is null`.execute(db)
  await sql`create unique index bindings_active_self_account on bindings (account_id) where relation = 'self' and unbound_at is null`.execute(db)

  await db.schema
    .createTable('certification_records')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('person_id', 'text', (c) => c.notNull().references('persons.id'))
    .addColumn('certified_at', 'text', (c) => c.notNull())
    .addColumn('result', 'text', (c) => c.notNull())
    .addColumn('method', 'text', (c) => c.notNull())
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('performed_by', 'text', (c) => c.notNull())
    .addColumn('performer_account_id', 'text', (c) => c.references('accounts.id'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute()
  await db.schema.createIndex('certification_records_person_time').on('certification_records').columns(['person_id', 'certified_at']).execute()

  await db.schema
    .createTable('audit_log')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('actor_type', 'text', (c) => c.notNull())
    .addColumn('actor_ref', 'text', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('subject_person_id', 'text')
    .addColumn('detail', 'text', (c) => c.notNull())
    .execute()
  await db.schema.createIndex('audit_log_actor_action_at').on('audit_log').columns(['actor_ref', 'action', 'at']).execute()
  await db.schema.createIndex('audit_log_subject_at').on('audit_log').columns(['subject_person_id', 'at']).execute()

  if (dialect === 'sqlite') {
    await sql`create trigger audit_log_no_update before update on audit_log begin select raise(abort, 'audit_log is append-only'); end`.execute(db)
    await sql`create trigger audit_log_no_delete before delete on audit_log begin select raise(abort, 'audit_log is append-only'); end`.execute(db)
  } else {
    await sql`create function audit_log_append_only() returns trigger language plpgsql as $$
      begin raise exception 'audit_log is append-only'; end $$`.execute(db)
    await sql`create trigger audit_log_no_update_delete before update or delete on audit_log
      for each row execute function audit_log_append_only()`.execute(db)
    await sql`create trigger audit_log_no_truncate before truncate on audit_log
      for each statement execute function audit_log_append_only()`.execute(db)
  }

  await db.schema
    .createTable('used_nonces')
    .addColumn('nonce', 'text', (c) => c.primaryKey())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .execute()
  await db.schema.createIndex('used_nonces_expires').on('used_nonces').column('expires_at').execute()
}
