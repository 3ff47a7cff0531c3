/**
 * The agency console's exports (结果导出, 逾期名单) and staged roster uploads (名册导入).
 *
 * agency_exports: one row per export. A results export covers the records whose change stamp —
 * decided_at when a reviewer decided it, else created_at — lies in (cursor_from, cursor_to]; the
 * next results export of the same region prefix starts at this one's cursor_to, so the core pension
 * system receives every record once per change. UNIQUE (kind, region_prefix, cursor_from) makes two
 * exports started at once for the same region collide instead of both covering the same range
 * (overdue exports have no cursor: NULLs are distinct on both stores).
 *
 * agency_export_files: the built files (csv-utf8, csv-gbk, xlsx), sealed with the PII key because
 * they hold full names and ID numbers. They are kept, not rebuilt, so the same export id always
 * answers the same bytes even after a record in it was decided again or a name corrected.
 *
 * agency_imports: a roster CSV uploaded from the console, checked, then imported on confirm. The
 * uploaded bytes are kept IN THE DATABASE (sealed, body_enc), not under DATA_DIR: every backend
 * instance behind a load balancer sees the same database but not the same disk, the console's
 * confirm may land on another instance than the upload did, and a file on disk would be one more
 * unencrypted copy of the roster. The body is cleared once the upload is imported. The per-row
 * error report (line, column, reason — never a cell's value) is JSON in errors_json.
 */
import { sql, type Kysely } from 'kysely'
import type { Dialect } from '../schema'

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>, _dialect: Dialect): Promise<void> {
  await db.schema
    .createTable('agency_exports')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('region_prefix', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('cursor_from', 'text')
    .addColumn('cursor_to', 'text')
    .addColumn('filters', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('rows_total', 'integer')
    .addColumn('rows_done', 'integer', (c) => c.notNull())
    .addColumn('row_count', 'integer')
    .addColumn('sha256_csv_utf8', 'text')
    .addColumn('sha256_csv_gbk', 'text')
    .addColumn('sha256_xlsx', 'text')
    .addColumn('error_code', 'text')
    .addColumn('finished_at', 'text')
    .execute()
  await db.schema.createIndex('agency_exports_chain').unique().on('agency_exports').columns(['kind', 'region_prefix', 'cursor_from']).execute()
  await db.schema.createIndex('agency_exports_listed').on('agency_exports').columns(['region_prefix', 'created_at']).execute()

  await db.schema
    .createTable('agency_export_files')
    .addColumn('export_id', 'text', (c) => c.notNull())
    .addColumn('format', 'text', (c) => c.notNull())
    .addColumn('sha256', 'text', (c) => c.notNull())
    .addColumn('bytes', 'integer', (c) => c.notNull())
    .addColumn('body_enc', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('agency_export_files_pk', ['export_id', 'format'])
    .execute()

  await db.schema
    .createTable('agency_imports')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('region_prefix', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('filename', 'text', (c) => c.notNull())
    .addColumn('encoding', 'text')
    .addColumn('sha256', 'text', (c) => c.notNull())
    .addColumn('bytes', 'integer', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('rows_total', 'integer')
    .addColumn('rows_done', 'integer', (c) => c.notNull())
    .addColumn('inserted', 'integer', (c) => c.notNull())
    .addColumn('updated', 'integer', (c) => c.notNull())
    .addColumn('unchanged', 'integer', (c) => c.notNull())
    .addColumn('rejected', 'integer', (c) => c.notNull())
    .addColumn('error_count', 'integer', (c) => c.notNull())
    .addColumn('errors_json', 'text', (c) => c.notNull())
    .addColumn('body_enc', 'text')
    .addColumn('finished_at', 'text')
    .execute()
  await db.schema.createIndex('agency_imports_listed').on('agency_imports').columns(['region_prefix', 'created_at']).execute()

  // The results export reads records by change stamp: two range scans, one per stamp column.
  await db.schema.createIndex('certification_records_created_at').on('certification_records').columns(['created_at', 'id']).execute()
  await sql`create index certification_records_decided_at on certification_records (decided_at, id) where decided_at is not null`.execute(db)
}
