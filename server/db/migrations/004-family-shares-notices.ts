/**
 * 家人, share cards and printed notices (issue 5):
 *  - relatives: account → roster person links (代他人认证), relation as the account holder sees it;
 *    soft-removed (removed_at). At most one ACTIVE link per account and person.
 *  - share_tokens: one row per share card; the token handed out is `<id>.<HMAC(id)>`, so the row id
 *    is the only thing the token carries. No personal data in the row beyond internal ids.
 *  - notice_codes: one random code per person and cycle (year) for the printed notice's scene `n=<code>`.
 *  - certification sessions and records learn the relation of a relative performer and whether the
 *    session came through a share card or a notice (via, via_ref = share token id / notice code).
 */
import { sql, type Kysely } from 'kysely'
import type { Dialect } from '../schema'

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyDb = Kysely<any>

export async function up(db: AnyDb, _dialect: Dialect): Promise<void> {
  await db.schema
    .createTable('relatives')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id'))
    .addColumn('person_id', 'text', (c) => c.notNull().references('persons.id'))
    .addColumn('relation', 'text', (c) => c.notNull().check(sql`relation in ('father', 'mother', 'spouse', 'other')`))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('removed_at', 'text')
    .execute()
  await sql`create unique index relatives_active_account_person on relatives (account_id, person_id) where removed_at is null`.execute(db)
  await db.schema.createIndex('relatives_person').on('relatives').column('person_id').execute()

  await db.schema
    .createTable('share_tokens')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('relative_id', 'text', (c) => c.notNull().references('relatives.id'))
    .addColumn('sender_account_id', 'text', (c) => c.notNull().references('accounts.id'))
    .addColumn('person_id', 'text', (c) => c.notNull().references('persons.id'))
    .addColumn('relation', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('revoked_at', 'text')
    .addColumn('used_after_pass_at', 'text')
    .execute()
  await db.schema.createIndex('share_tokens_relative').on('share_tokens').columns(['relative_id', 'expires_at']).execute()
  await db.schema.createIndex('share_tokens_sender_created').on('share_tokens').columns(['sender_account_id', 'created_at']).execute()

  await db.schema
    .createTable('notice_codes')
    .addColumn('code', 'text', (c) => c.primaryKey())
    .addColumn('person_id', 'text', (c) => c.notNull().references('persons.id'))
    .addColumn('cycle', 'integer', (c) => c.notNull())
    .addColumn('region_code', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('notice_codes_person_cycle_unique', ['person_id', 'cycle'])
    .execute()

  await db.schema.alterTable('certification_sessions').addColumn('relation', 'text').execute()
  await db.schema.alterTable('certification_sessions').addColumn('relative_id', 'text').execute()
  await db.schema.alterTable('certification_sessions').addColumn('via', 'text').execute()
  await db.schema.alterTable('certification_sessions').addColumn('via_ref', 'text').execute()
  await db.schema.alterTable('certification_records').addColumn('performer_relation', 'text').execute()
  await db.schema.alterTable('certification_records').addColumn('via', 'text').execute()
}
