/**
 * PostgreSQL: reminder_outbox keeps no foreign keys to persons and accounts. Each of them made every
 * row the daily sweep inserts run a check query that locks the referenced persons / accounts row
 * (FOR KEY SHARE, which writes to that row's page): at 1 M persons a third of the sweep's time went to
 * those checks. The outbox is derived data: its rows are only ever inserted by the sweep's set-based
 * statements (repositories/outbox.ts), which select them FROM persons, bindings / relatives and
 * certification records in the same statement, and persons and accounts are never deleted. Should one
 * be missing at claim time all the same, its row is closed (skipped_stale for a person, failed for an
 * account: reminders/claim.ts), never sent.
 * SQLite keeps them: its checks are cheap index probes, and dropping one needs a table rebuild.
 */
import { sql, type Kysely } from 'kysely'
import type { Dialect } from '../schema'

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>, dialect: Dialect): Promise<void> {
  if (dialect !== 'postgres') return
  await sql`ALTER TABLE reminder_outbox DROP CONSTRAINT IF EXISTS reminder_outbox_person_id_fkey, DROP CONSTRAINT IF EXISTS reminder_outbox_recipient_account_id_fkey`.execute(db)
}
