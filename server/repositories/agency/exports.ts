/**
 * Agency exports (migration 017): the export rows, their stored files, and the results export's
 * read of records by change stamp. Region scope is in every query: an export is visible to a user
 * iff its region_prefix lies inside the user's prefix (a 长沙市 user sees 芙蓉区's exports, not the
 * reverse, since those hold rows the 芙蓉区 user may not see); the records read are those of persons
 * whose region_code starts with the export's prefix.
 */
import { sql, type Selectable, type SqlBool } from 'kysely'
import type { AgencyExportFilesTable, AgencyExportsTable } from '../../db/schema'
import type { Db } from '../types'

export type ExportRow = Selectable<AgencyExportsTable>
export type ExportFormat = AgencyExportFilesTable['format']

/** LIKE pattern of a region prefix (digits only: checked where prefixes are made). */
export function regionLike(prefix: string): string {
  if (!/^\d*$/.test(prefix)) throw new Error('region prefix must be digits')
  return `${prefix}%`
}

export async function insertExport(db: Db, row: ExportRow): Promise<void> {
  await db.insertInto('agency_exports').values(row).execute()
}

/** The newest results export of exactly this region prefix (the chain the next one continues). */
export async function latestResultsExport(db: Db, regionPrefix: string): Promise<ExportRow | undefined> {
  return db
    .selectFrom('agency_exports')
    .selectAll()
    .where('kind', '=', 'results')
    .where('region_prefix', '=', regionPrefix)
    .orderBy('cursor_to', 'desc')
    .limit(1)
    .executeTakeFirst()
}

/** The user's results export made for this request (filters holds the request id: see the service). */
export async function resultsExportOfRequest(db: Db, userId: string, regionPrefix: string, filters: string): Promise<ExportRow | undefined> {
  return db
    .selectFrom('agency_exports')
    .selectAll()
    .where('kind', '=', 'results')
    .where('region_prefix', '=', regionPrefix)
    .where('created_by', '=', userId)
    .where('filters', '=', filters)
    .executeTakeFirst()
}

/** One export, if it lies inside the actor's region. */
export async function exportInScope(db: Db, id: string, actorPrefix: string): Promise<ExportRow | undefined> {
  return db.selectFrom('agency_exports').selectAll().where('id', '=', id).where('region_prefix', 'like', regionLike(actorPrefix)).executeTakeFirst()
}

export async function listExportsInScope(db: Db, actorPrefix: string, kind: ExportRow['kind'] | undefined, limit: number): Promise<ExportRow[]> {
  let q = db.selectFrom('agency_exports').selectAll().where('region_prefix', 'like', regionLike(actorPrefix))
  if (kind) q = q.where('kind', '=', kind)
  return q.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit).execute()
}

export async function setExportProgress(db: Db, id: string, rowsDone: number, rowsTotal: number | null): Promise<void> {
  await db.updateTable('agency_exports').set({ rows_done: rowsDone, rows_total: rowsTotal }).where('id', '=', id).where('status', '=', 'building').execute()
}

export async function setExportStatus(
  db: Db,
  id: string,
  fields: Partial<Pick<ExportRow, 'status' | 'row_count' | 'rows_done' | 'rows_total' | 'sha256_csv_utf8' | 'sha256_csv_gbk' | 'sha256_xlsx' | 'error_code' | 'finished_at'>>,
): Promise<void> {
  await db.updateTable('agency_exports').set(fields).where('id', '=', id).execute()
}

/**
 * Marks a build failed, only while it is still building: a concurrent build of the same export (two
 * instances resuming it) that already finished keeps its 'ready'.
 */
export async function failExport(db: Db, id: string, errorCode: string): Promise<void> {
  await db.updateTable('agency_exports').set({ status: 'failed', error_code: errorCode }).where('id', '=', id).where('status', '=', 'building').execute()
}

export interface StoredFile {
  format: ExportFormat
  sha256: string
  bytes: number
  bodyEnc: string
}

/** Replaces the export's files (a rebuilt export writes the same bytes again). */
export async function putExportFiles(db: Db, exportId: string, files: readonly StoredFile[]): Promise<void> {
  await db.deleteFrom('agency_export_files').where('export_id', '=', exportId).execute()
  for (const f of files) {
    await db.insertInto('agency_export_files').values({ export_id: exportId, format: f.format, sha256: f.sha256, bytes: f.bytes, body_enc: f.bodyEnc }).execute()
  }
}

export async function exportFile(db: Db, exportId: string, format: ExportFormat): Promise<StoredFile | undefined> {
  const row = await db.selectFrom('agency_export_files').selectAll().where('export_id', '=', exportId).where('format', '=', format).executeTakeFirst()
  return row && { format: row.format, sha256: row.sha256, bytes: Number(row.bytes), bodyEnc: row.body_enc }
}

/** One certification record as the results export reads it (the person's sealed fields still sealed). */
export interface ResultsSourceRow {
  record_id: string
  person_no: string
  pii_enc: string
  certified_at: string
  result: string
  method: string
  channel: string
  performed_by: string
  via: string | null
  created_at: string
  decided_at: string | null
  decision_reason: string | null
  performer_name: string | null
  decider_name: string | null
  offline_verified_how: string | null
}

const RESULTS_COLUMNS = [
  'r.id as record_id',
  'p.person_no',
  'p.pii_enc',
  'r.certified_at',
  'r.result',
  'r.method',
  'r.channel',
  'r.performed_by',
  'r.via',
  'r.created_at',
  'r.decided_at',
  'r.decision_reason',
  'pu.display_name as performer_name',
  'du.display_name as decider_name',
  'r.offline_verified_how',
] as const

function resultsQuery(db: Db, regionPrefix: string) {
  return db
    .selectFrom('certification_records as r')
    .innerJoin('persons as p', 'p.id', 'r.person_id')
    .leftJoin('agency_users as pu', 'pu.id', 'r.performer_agency_user_id')
    .leftJoin('agency_users as du', 'du.id', 'r.decided_by')
    .select(RESULTS_COLUMNS)
    .where('p.region_code', 'like', regionLike(regionPrefix))
}

/**
 * Every record of persons in the region whose change stamp lies in (from, to], page by page, in a
 * fixed order: first the records CREATED in the range by (created_at, id) — with their decision if
 * one was already taken — then those created earlier and DECIDED in the range by (decided_at, id) (a
 * pending record exported as 待审核 comes again once decided). Each part is a keyset scan of its own
 * index (migration 017), so memory stays one page whatever the range holds.
 */
export async function* resultsPages(db: Db, regionPrefix: string, from: string, to: string, pageSize = 2000): AsyncGenerator<ResultsSourceRow[]> {
  for (const part of ['created', 'decided'] as const) {
    const stamp = part === 'created' ? 'r.created_at' : 'r.decided_at'
    let after: { at: string; id: string } | undefined
    for (;;) {
      let q = resultsQuery(db, regionPrefix).where(stamp, '>', from).where(stamp, '<=', to)
      if (part === 'decided') q = q.where('r.created_at', '<=', from)
      if (after) q = q.where(sql<SqlBool>`(${sql.ref(stamp)}, r.id) > (${after.at}, ${after.id})`)
      const rows = (await q.orderBy(stamp).orderBy('r.id').limit(pageSize).execute()) as ResultsSourceRow[]
      if (rows.length > 0) yield rows
      if (rows.length < pageSize) break
      const last = rows[rows.length - 1]
      after = { at: (part === 'created' ? last.created_at : last.decided_at)!, id: last.record_id }
    }
  }
}
