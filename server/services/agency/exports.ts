/**
 * 结果导出: the incremental results export for the core pension system, and the export views and
 * downloads shared with the overdue list (overdue-export.ts).
 *
 * A results export covers the records of the actor's region whose change stamp (created, or decided
 * by a reviewer) lies after the previous results export of the same region prefix, up to a moment
 * EXPORT_SETTLE_MS ago: a record is stamped a moment before its transaction commits, and a record
 * committing after the export read its range with a stamp inside it would otherwise be skipped by
 * this export and by the next.
 *
 * Repeatable: the three files are built once and stored (sealed); a download answers the stored
 * bytes, so the same export id gives the same bytes and checksum however often and whenever it is
 * downloaded. A build that fails midway leaves the export 'failed' with its range fixed; creating
 * again resumes THAT export (same id, same range) instead of starting a wider one, so the interrupted
 * export, repeated, gives the same file.
 *
 * Audited: creating an export and every download (full names and ID numbers of many persons: one
 * audit row per export or download, naming the export id, which fixes exactly which records it holds).
 */
import { createHash } from 'node:crypto'
import type { AgencyFile } from '../../../src/core/contracts/agency/define'
import type { ExportView, ResultsFormat } from '../../../src/core/contracts/agency/exports'
import { OFFLINE_VERIFIED_HOW_LABELS, type OfflineVerifiedHow } from '../../../src/core/contracts/agency/offline'
import { REVIEW_REJECT_REASON_LABELS, type ReviewRejectReason } from '../../../src/core/contracts/agency/review'
import { PERFORMER_LABELS, RECORD_CHANNEL_LABELS, RECORD_METHOD_LABELS, RECORD_RESULT_LABELS, type Performer, type RecordChannel, type RecordMethod, type RecordResult } from '../../../src/core/contracts/common'
import { DomainError } from '../../../src/core/errors'
import type { AgencyActor } from '../../agency/actor'
import { newId } from '../../db/ids'
import { appendAudit } from '../../repositories/audit'
import {
  exportFile,
  failExport,
  exportInScope,
  insertExport,
  latestResultsExport,
  listExportsInScope,
  putExportFiles,
  resultsExportOfRequest,
  resultsPages,
  setExportProgress,
  setExportStatus,
  type ExportFormat,
  type ExportRow,
  type ResultsSourceRow,
  type StoredFile,
} from '../../repositories/agency/exports'
import { shanghaiDate } from '../../time/clock'
import type { ServiceContext } from '../context'
import { openBytes, sealBytes } from './sealed-file'
import { csvGbk, csvLine, csvUtf8Bom, tableCsvText, tableXlsx, XlsxTableWriter, type Table } from './xlsx'

/** How long before "now" a results export's range ends (see above). */
export const EXPORT_SETTLE_MS = 1000

export const RESULTS_HEADERS = ['个人编号', '姓名', '身份证号', '认证日期', '认证结果', '认证方式', '渠道', '经办人/操作人', '审核结果', '记录编号'] as const

const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex')

export function exportView(row: ExportRow): ExportView {
  // Only the overdue filters are shown (a results export keeps its request id there).
  let filters: ExportView['filters'] = {}
  try {
    const f = JSON.parse(row.filters) as ExportView['filters']
    filters = {
      ...(typeof f.subRegion === 'string' ? { subRegion: f.subRegion } : {}),
      ...(typeof f.insuranceType === 'string' ? { insuranceType: f.insuranceType } : {}),
      ...(typeof f.minMonthsOverdue === 'number' ? { minMonthsOverdue: f.minMonthsOverdue } : {}),
    }
  } catch {
    filters = {}
  }
  return {
    exportId: row.id,
    kind: row.kind,
    regionPrefix: row.region_prefix,
    status: row.status,
    createdAt: row.created_at,
    createdBy: row.created_by,
    rowsDone: Number(row.rows_done),
    rowsTotal: row.rows_total === null ? null : Number(row.rows_total),
    rowCount: row.row_count === null ? null : Number(row.row_count),
    checksums: { csvUtf8: row.sha256_csv_utf8, csvGbk: row.sha256_csv_gbk, xlsx: row.sha256_xlsx },
    cursorFrom: row.cursor_from,
    cursorTo: row.cursor_to,
    filters,
    errorCode: row.error_code,
  }
}

function channelLabel(r: ResultsSourceRow): string {
  const base = RECORD_CHANNEL_LABELS[r.channel as RecordChannel] ?? r.channel
  return r.via === 'share' ? `${base}（分享）` : r.via === 'notice' ? `${base}（通知单）` : base
}

function performerLabel(r: ResultsSourceRow): string {
  const who = PERFORMER_LABELS[r.performed_by as Performer] ?? r.performed_by
  const how = r.offline_verified_how ? `（${OFFLINE_VERIFIED_HOW_LABELS[r.offline_verified_how as OfflineVerifiedHow] ?? r.offline_verified_how}）` : ''
  return r.performer_name ? `${who}：${r.performer_name}${how}` : `${who}${how}`
}

function reviewLabel(r: ResultsSourceRow): string {
  if (r.result === 'pending_review') return '待审核'
  if (!r.decided_at) return ''
  const by = r.decider_name ? `（审核员：${r.decider_name}）` : ''
  return r.result === 'passed' ? `审核通过${by}` : `审核不通过${r.decision_reason ? `：${REVIEW_REJECT_REASON_LABELS[r.decision_reason as ReviewRejectReason] ?? r.decision_reason}` : ''}${by}`
}

/** One record as the core system's row (full name and ID number: this is the audited read). */
export function resultsRow(ctx: ServiceContext, r: ResultsSourceRow): string[] {
  const person = ctx.pii.openPerson(r.pii_enc)
  return [
    r.person_no,
    person.name,
    person.idNumber,
    shanghaiDate(new Date(r.certified_at)),
    RECORD_RESULT_LABELS[r.result as RecordResult] ?? r.result,
    RECORD_METHOD_LABELS[r.method as RecordMethod] ?? r.method,
    channelLabel(r),
    performerLabel(r),
    reviewLabel(r),
    r.record_id,
  ]
}

export interface BuiltFile {
  format: ExportFormat
  body: Buffer
  sha256: string
}

function resultsFiles(csvText: string, xlsx: Buffer): BuiltFile[] {
  const bodies: [ExportFormat, Buffer][] = [
    ['csv-utf8', csvUtf8Bom(csvText)],
    ['csv-gbk', csvGbk(csvText)],
    ['xlsx', xlsx],
  ]
  return bodies.map(([format, body]) => ({ format, body, sha256: sha256(body) }))
}

/** The three files of a results table (the XLSX dated by the export's creation, never by the build). */
export async function buildResultsFiles(table: Table, pinnedAt: Date): Promise<BuiltFile[]> {
  return resultsFiles(tableCsvText(table), await tableXlsx(table, pinnedAt))
}

export function storedFiles(ctx: ServiceContext, files: readonly BuiltFile[]): StoredFile[] {
  return files.map((f) => ({ format: f.format, sha256: f.sha256, bytes: f.body.length, bodyEnc: sealBytes(ctx.pii, f.body) }))
}

/** Builds in flight in this process, by export id: a repeated request waits for the same build. */
const inFlight = new Map<string, Promise<ExportRow>>()

function once(id: string, build: () => Promise<ExportRow>): Promise<ExportRow> {
  let p = inFlight.get(id)
  if (!p) {
    p = build().finally(() => inFlight.delete(id))
    inFlight.set(id, p)
  }
  return p
}

/** Starts a build in the background (its failure is kept on the export row, never thrown here). */
export function startBuild(id: string, build: () => Promise<ExportRow>): void {
  once(id, build).catch(() => undefined)
}

/** The export row as a build starts: a new id, status building, no counts, no files yet. Every kind
 * (results, overdue) starts from this; only what it is, whose, and its range or filters differ. */
export function newBuildingExport(start: Pick<ExportRow, 'kind' | 'region_prefix' | 'created_by' | 'created_at' | 'cursor_from' | 'cursor_to' | 'filters'>): ExportRow {
  return {
    id: newId(),
    ...start,
    status: 'building',
    rows_total: null,
    rows_done: 0,
    row_count: null,
    sha256_csv_utf8: null,
    sha256_csv_gbk: null,
    sha256_xlsx: null,
    error_code: null,
    finished_at: null,
  }
}

/** Waits for an export's build in this process, if one runs (tests and the overdue poller). */
export async function settledExport(id: string): Promise<void> {
  await inFlight.get(id)?.catch(() => undefined)
}

const isUniqueViolation = (err: unknown): boolean => /unique|duplicate key/i.test(err instanceof Error ? err.message : String(err))

export interface ResultsExportOptions {
  settleMs?: number
  /** The console's id of this request (ResultsExportInputSchema): a retry answers the same export. */
  requestId?: string
}

/**
 * POST /exports/results: the next results export of the actor's region (or the unfinished one,
 * resumed). The request id is kept in the row's filters JSON (a results export has no filters of its
 * own), so a retried request finds its export without a column of its own.
 */
export async function createResultsExport(ctx: ServiceContext, actor: AgencyActor, opts: ResultsExportOptions = {}): Promise<ExportView> {
  const now = ctx.clock()
  const filters = opts.requestId ? JSON.stringify({ requestId: opts.requestId }) : '{}'
  const same = opts.requestId ? await resultsExportOfRequest(ctx.db, actor.userId, actor.regionPrefix, filters) : undefined
  if (same?.status === 'ready') return exportView(same)
  const previous = same ?? (await latestResultsExport(ctx.db, actor.regionPrefix))
  let row: ExportRow
  if (previous && previous.status !== 'ready') {
    // Resumed: the same id and range, building again.
    if (previous.status === 'failed' && !inFlight.has(previous.id)) await setExportStatus(ctx.db, previous.id, { status: 'building', error_code: null })
    row = previous
  } else {
    const from = previous?.cursor_to ?? ''
    const to = new Date(now.getTime() - (opts.settleMs ?? EXPORT_SETTLE_MS)).toISOString()
    // Nothing can have changed since the previous export: it is the answer.
    if (previous && to <= from) return exportView(previous)
    row = newBuildingExport({
      kind: 'results',
      region_prefix: actor.regionPrefix,
      created_by: actor.userId,
      created_at: now.toISOString(),
      cursor_from: from,
      cursor_to: to,
      filters,
    })
    try {
      await insertExport(ctx.db, row)
    } catch (err) {
      if (isUniqueViolation(err)) throw new DomainError('AGENCY_EXPORT_BUSY')
      throw err
    }
  }
  return exportView(await once(row.id, () => buildResults(ctx, actor, row)))
}

async function buildResults(ctx: ServiceContext, actor: AgencyActor, row: ExportRow): Promise<ExportRow> {
  try {
    // Page by page into the three files at once: only the files themselves are held in memory.
    const csv = [csvLine(RESULTS_HEADERS)]
    const xlsx = new XlsxTableWriter('认证结果', RESULTS_HEADERS, new Date(row.created_at))
    let reported = 0
    for await (const page of resultsPages(ctx.db, row.region_prefix, row.cursor_from ?? '', row.cursor_to ?? '')) {
      for (const r of page) {
        const cells = resultsRow(ctx, r)
        csv.push(csvLine(cells))
        xlsx.add(cells)
      }
      if (xlsx.rows - reported >= 10_000) {
        reported = xlsx.rows
        await setExportProgress(ctx.db, row.id, xlsx.rows, null)
      }
    }
    const files = await resultsFiles(csv.join('\r\n') + '\r\n', await xlsx.finish())
    const stored = storedFiles(ctx, files)
    const sums = Object.fromEntries(files.map((f) => [f.format, f.sha256])) as Record<ExportFormat, string>
    const done: Partial<ExportRow> = {
      status: 'ready',
      row_count: xlsx.rows,
      rows_done: xlsx.rows,
      rows_total: xlsx.rows,
      sha256_csv_utf8: sums['csv-utf8'],
      sha256_csv_gbk: sums['csv-gbk'],
      sha256_xlsx: sums.xlsx,
      error_code: null,
      finished_at: ctx.clock().toISOString(),
    }
    await ctx.db.transaction().execute(async (trx) => {
      await putExportFiles(trx, row.id, stored)
      await setExportStatus(trx, row.id, done)
      await appendAudit(trx, {
        at: ctx.clock().toISOString(),
        actorType: 'agency',
        actorRef: actor.userId,
        action: 'agency.export.results.created',
        detail: { exportId: row.id, regionPrefix: row.region_prefix, rows: xlsx.rows, from: row.cursor_from, to: row.cursor_to },
      })
    })
    return { ...row, ...done }
  } catch (err) {
    await failExport(ctx.db, row.id, err instanceof DomainError ? err.code : 'INTERNAL').catch(() => undefined)
    throw err
  }
}

/**
 * A build still 'building' this long after it started has died with its process (a 1 M-person
 * overdue list takes well under a minute): it is failed, so the console stops polling and offers to
 * export again. A results export is resumed by the next POST anyway.
 */
export const STALE_BUILD_MS = 15 * 60_000

/** An export the actor may see, or 404 exactly like an unknown id. */
export async function exportOf(ctx: ServiceContext, actor: AgencyActor, exportId: string): Promise<ExportRow> {
  const row = await exportInScope(ctx.db, exportId, actor.regionPrefix)
  if (!row) throw new DomainError('AGENCY_EXPORT_NOT_FOUND')
  if (row.status === 'building' && !inFlight.has(row.id) && ctx.clock().getTime() - Date.parse(row.created_at) > STALE_BUILD_MS) {
    await failExport(ctx.db, row.id, 'AGENCY_EXPORT_FAILED')
    return { ...row, status: 'failed', error_code: 'AGENCY_EXPORT_FAILED' }
  }
  return row
}

export async function exportStatus(ctx: ServiceContext, actor: AgencyActor, exportId: string): Promise<ExportView> {
  return exportView(await exportOf(ctx, actor, exportId))
}

export async function listExports(ctx: ServiceContext, actor: AgencyActor, kind?: ExportRow['kind']): Promise<{ exports: ExportView[] }> {
  return { exports: (await listExportsInScope(ctx.db, actor.regionPrefix, kind, 100)).map(exportView) }
}

const CONTENT_TYPES: Record<ExportFormat, string> = {
  'csv-utf8': 'text/csv; charset=utf-8',
  'csv-gbk': 'text/csv; charset=gbk',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
}
const EXTENSIONS: Record<ExportFormat, string> = { 'csv-utf8': '.csv', 'csv-gbk': '-gbk.csv', xlsx: '.xlsx' }

/** The stored file of a ready export, as a download (audited: it holds names and ID numbers). */
export async function downloadExport(ctx: ServiceContext, actor: AgencyActor, exportId: string, kind: ExportRow['kind'], format: ExportFormat): Promise<AgencyFile> {
  const row = await exportOf(ctx, actor, exportId)
  if (row.kind !== kind) throw new DomainError('AGENCY_EXPORT_NOT_FOUND')
  if (row.status === 'building') throw new DomainError('AGENCY_EXPORT_NOT_READY')
  if (row.status === 'failed') throw new DomainError('AGENCY_EXPORT_FAILED')
  const file = await exportFile(ctx.db, row.id, format)
  if (!file) throw new DomainError('AGENCY_EXPORT_NOT_FOUND')
  const body = openBytes(ctx.pii, file.bodyEnc)
  // The stored checksum is the promise: never hand out bytes that do not match it.
  if (sha256(body) !== file.sha256) throw new DomainError('INTERNAL')
  await appendAudit(ctx.db, {
    at: ctx.clock().toISOString(),
    actorType: 'agency',
    actorRef: actor.userId,
    action: `agency.export.${kind}.downloaded`,
    detail: { exportId: row.id, format, rows: row.row_count === null ? null : Number(row.row_count) },
  })
  const name = kind === 'results' ? '认证结果' : '逾期名单'
  return {
    filename: `${name}_${row.region_prefix || '全部'}_${shanghaiDate(new Date(row.created_at))}_${row.id.slice(0, 8)}${EXTENSIONS[format]}`,
    contentType: CONTENT_TYPES[format],
    body,
    headers: { 'x-export-id': row.id, 'x-row-count': String(row.row_count ?? 0), 'x-checksum-sha256': file.sha256 },
  }
}

export async function downloadResults(ctx: ServiceContext, actor: AgencyActor, exportId: string, format: ResultsFormat): Promise<AgencyFile> {
  return downloadExport(ctx, actor, exportId, 'results', format)
}
