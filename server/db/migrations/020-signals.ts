/**
 * 静默认证 (data comparison): evidence-of-life signals from other departments.
 *
 * life_signals: one row per (person, source, day). UNIQUE (person_id, source, occurred_on) makes a
 * second import of the same file insert nothing (ON CONFLICT DO NOTHING), whichever way the file
 * named the person (个人编号 or 身份证号). imported_in: the signal_imports row that brought it.
 *
 * signal_imports: one row per file (CLI or console upload): the counts and the per-row report (JSON
 * RowError[]: line, column, reason — never a cell's value). A console upload is staged first: its
 * bytes are kept sealed in body_enc (like agency_imports) until it is confirmed, then cleared.
 *
 * signal_reviews: persons the agency must look at. A death or 殡葬 signal never certifies: payment is
 * suspended and the person is flagged here ('death'); a life signal later than a death signal is
 * flagged as a 'conflict' (still never a pass). UNIQUE (person_id, reason): flagged once.
 */
import type { Kysely } from 'kysely'
import type { Dialect } from '../schema'

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>, _dialect: Dialect): Promise<void> {
  await db.schema
    .createTable('signal_imports')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('actor_type', 'text', (c) => c.notNull())
    .addColumn('actor_ref', 'text', (c) => c.notNull())
    .addColumn('region_prefix', 'text', (c) => c.notNull())
    .addColumn('filename', 'text', (c) => c.notNull())
    .addColumn('encoding', 'text')
    .addColumn('sha256', 'text', (c) => c.notNull())
    .addColumn('bytes', 'integer', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('rows_total', 'integer')
    .addColumn('rows_done', 'integer', (c) => c.notNull())
    .addColumn('inserted', 'integer', (c) => c.notNull())
    .addColumn('already_known', 'integer', (c) => c.notNull())
    .addColumn('rejected', 'integer', (c) => c.notNull())
    .addColumn('certified', 'integer', (c) => c.notNull())
    .addColumn('flagged', 'integer', (c) => c.notNull())
    .addColumn('error_count', 'integer', (c) => c.notNull())
    .addColumn('errors_json', 'text', (c) => c.notNull())
    .addColumn('body_enc', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('finished_at', 'text')
    .execute()
  await db.schema.createIndex('signal_imports_listed').on('signal_imports').columns(['region_prefix', 'created_at']).execute()

  await db.schema
    .createTable('life_signals')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('person_id', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('occurred_on', 'text', (c) => c.notNull())
    .addColumn('imported_in', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute()
  await db.schema.createIndex('life_signals_unique').unique().on('life_signals').columns(['person_id', 'source', 'occurred_on']).execute()

  await db.schema
    .createTable('signal_reviews')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('person_id', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('occurred_on', 'text', (c) => c.notNull())
    .addColumn('import_id', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute()
  await db.schema.createIndex('signal_reviews_unique').unique().on('signal_reviews').columns(['person_id', 'reason']).execute()
}
