/**
 * read_audit_log: the audit rows of reads (a status read, a records list, a relative's records), apart
 * from audit_log.
 *
 * Every read of a person's data is still audited, a row per read, append-only on both stores. What
 * differs is the indexes: audit_log carries two lookup indexes (by actor, by subject) whose keys are
 * random, so every row lands on a random page of each — with 16 KiB SQLite pages, about 32 KiB of WAL
 * per row, the commit and checkpoint work that bounded a busy backend's reads (bench:api, status read:
 * ~25 % of the bare route with read rows in audit_log, ~32 % with the actor index gone, ~44 % with no
 * read rows at all, measured in turn on this machine; docs/bench-api.md). Reads outnumber every other
 * action by far, and no query of the product looks them up: they are kept for the record (who read whose
 * data, when), read by time or exported. So this table has only its primary key, a time-ordered id
 * (newSortableId): each batch appends to the end of the one index it has.
 *
 * Read rows already in audit_log stay there (append-only: nothing is moved or deleted).
 */
import { sql, type Kysely } from 'kysely'
import type { Dialect } from '../schema'

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>, dialect: Dialect): Promise<void> {
  await db.schema
    .createTable('read_audit_log')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('actor_type', 'text', (c) => c.notNull())
    .addColumn('actor_ref', 'text', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('subject_person_id', 'text')
    .addColumn('detail', 'text', (c) => c.notNull())
    .execute()
  if (dialect === 'sqlite') {
    await sql`create trigger read_audit_log_no_update before update on read_audit_log begin select raise(abort, 'read_audit_log is append-only'); end`.execute(db)
    await sql`create trigger read_audit_log_no_delete before delete on read_audit_log begin select raise(abort, 'read_audit_log is append-only'); end`.execute(db)
  } else {
    await sql`create function read_audit_log_append_only() returns trigger language plpgsql as $$
      begin raise exception 'read_audit_log is append-only'; end $$`.execute(db)
    await sql`create trigger read_audit_log_no_update_delete before update or delete on read_audit_log
      for each row execute function read_audit_log_append_only()`.execute(db)
    await sql`create trigger read_audit_log_no_truncate before truncate on read_audit_log
      for each statement execute function read_audit_log_append_only()`.execute(db)
  }
}
