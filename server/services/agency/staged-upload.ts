/**
 * The pieces shared by the console's staged CSV uploads (名册导入 in roster-upload.ts, 静默认证 signals
 * in signals-upload.ts): the file is sealed in its table's row, checked in the background, and
 * imported only on confirm. What differs between the two — their table, check, import, counts, error
 * codes, audit actions and file names — stays with each upload and comes in as parameters here.
 *
 * Progress is kept in memory (rows checked / imported): on SQLite the import's transaction holds the
 * one connection, so a progress write from inside it would wait for itself. One map serves both
 * uploads: upload ids are unique across tables (newId).
 */
import { createHash } from 'node:crypto'
import type { AgencyFile } from '../../../src/core/contracts/agency/define'
import { DomainError, type ErrorCode } from '../../../src/core/errors'
import type { AgencyActor } from '../../agency/actor'
import { newId } from '../../db/ids'
import { appendAudit } from '../../repositories/audit'
import type { RowError } from '../../roster/columns'
import { reportCsv } from '../../roster/report'
import type { ServiceContext } from '../context'
import { sealBytes } from './sealed-file'

export type UploadStatus = 'staged' | 'validated' | 'failed' | 'imported'

/** The columns both upload tables have. */
export interface StagedRow {
  id: string
  filename: string
  status: UploadStatus
  encoding: string | null
  sha256: string
  bytes: number
  rows_total: number | null
  rows_done: number
  rejected: number
  error_count: number
  errors_json: string
  body_enc: string | null
  created_at: string
}

/** The upload's answers that are not about rows (each upload has its own codes). */
export interface UploadCodes {
  hasErrors: ErrorCode
  notReady: ErrorCode
}

/** Rows done / total of uploads being checked or imported in this process. */
const progress = new Map<string, { done: number; total: number | null }>()
/** Checks in flight, by upload id (tests wait for them). */
const checks = new Map<string, Promise<void>>()

/** Resolves when the background check of an upload has finished. */
export async function settled(id: string): Promise<void> {
  await checks.get(id)
}

/** An onProgress callback that records the upload's live progress. */
export const progressOf =
  (id: string) =>
  (done: number, total: number): void => {
    progress.set(id, { done, total })
  }

export function errorsOf(row: { errors_json: string }): RowError[] {
  try {
    return JSON.parse(row.errors_json) as RowError[]
  } catch {
    return []
  }
}

export const distinctLines = (errors: readonly RowError[]): number => new Set(errors.map((e) => e.line)).size

/** The view: the common fields around the upload's own counts (in this order), live progress first. */
export function stagedView<C extends object>(row: StagedRow, counts: C, firstErrors: number) {
  const live = progress.get(row.id)
  return {
    uploadId: row.id,
    filename: row.filename,
    status: row.status,
    encoding: row.encoding,
    createdAt: row.created_at,
    rowsTotal: live?.total ?? (row.rows_total === null ? null : Number(row.rows_total)),
    rowsDone: live?.done ?? Number(row.rows_done),
    ...counts,
    rejected: Number(row.rejected),
    errorCount: Number(row.error_count),
    firstErrors: errorsOf(row).slice(0, firstErrors),
  }
}

/** A file name as a label only (no path, no control characters, bounded); the upload's own default name otherwise. */
function cleanFilename(name: string | undefined, fallback: string): string {
  const base = (name ?? '').split(/[\\/]/).pop() ?? ''
  // eslint-disable-next-line no-control-regex
  return base.replace(/[\u0000-\u001f\u007f]/g, '').trim().slice(0, 120) || fallback
}

/** The common columns of a new staged upload: the bytes sealed, nothing checked yet. */
export function stagedColumns(ctx: ServiceContext, bytes: Buffer, filename: string | undefined, fallbackName: string) {
  const now = ctx.clock().toISOString()
  return {
    id: newId(),
    filename: cleanFilename(filename, fallbackName),
    encoding: null,
    sha256: createHash('sha256').update(bytes).digest('hex'),
    bytes: bytes.length,
    status: 'staged' as const,
    rows_total: null,
    rows_done: 0,
    rejected: 0,
    error_count: 0,
    errors_json: '[]',
    body_enc: sealBytes(ctx.pii, bytes),
    created_at: now,
    updated_at: now,
    finished_at: null,
  }
}

/**
 * After the row is stored: audits the upload and starts its background check. A crash of the check
 * fails the upload with the upload's own message (so the console says to upload again).
 */
export async function startCheck(
  ctx: ServiceContext,
  actor: AgencyActor,
  row: StagedRow,
  opts: {
    auditAction: string
    crashReason: string
    check: () => Promise<void>
    update: (fields: Partial<StagedRow> & { updated_at: string }) => Promise<unknown>
  },
): Promise<void> {
  await appendAudit(ctx.db, { at: row.created_at, actorType: 'agency', actorRef: actor.userId, action: opts.auditAction, detail: { uploadId: row.id, bytes: row.bytes, sha256: row.sha256 } })
  progress.set(row.id, { done: 0, total: null })
  const running = opts
    .check()
    .catch(async () => {
      await opts.update({ status: 'failed', updated_at: ctx.clock().toISOString(), errors_json: JSON.stringify([{ line: 0, column: '', reason: opts.crashReason }]), error_count: 1 })
    })
    .finally(() => {
      progress.delete(row.id)
      checks.delete(row.id)
    })
  checks.set(row.id, running)
}

/** The full per-row error report, as the CLI writes it (UTF-8 with BOM; line, column, reason — never a cell's value). */
export function uploadReport(row: StagedRow, namePrefix: string): AgencyFile {
  return {
    filename: `${namePrefix}_${row.id.slice(0, 8)}.csv`,
    contentType: 'text/csv; charset=utf-8',
    body: Buffer.from(reportCsv(errorsOf(row)), 'utf8'),
    headers: { 'x-error-count': String(row.error_count) },
  }
}

/**
 * What confirm answers without importing: an imported upload again (idempotent), a failed one its
 * errors, one not checked yet (or whose bytes are gone) not ready; otherwise the sealed bytes to import.
 */
export function confirmAnswer<R extends StagedRow, V>(row: R, view: (row: R) => V, codes: UploadCodes): { answer: V } | { sealed: string } {
  if (row.status === 'imported') return { answer: view(row) }
  if (row.status === 'failed') throw new DomainError(codes.hasErrors)
  if (row.status === 'staged' || !row.body_enc) throw new DomainError(codes.notReady)
  return { sealed: row.body_enc }
}

/** The loser of two confirms at once: the other one's outcome, or still being worked on. */
export function confirmAgainAnswer<R extends StagedRow, V>(row: R, view: (row: R) => V, codes: UploadCodes): V {
  if (row.status === 'imported') return view(row)
  if (row.status === 'failed') throw new DomainError(codes.hasErrors)
  throw new DomainError(codes.notReady)
}

/**
 * Runs a claimed confirm. Anything but the upload's own answer (a crash of the import): back to
 * checked, so confirm can be repeated. Live progress ends with it.
 */
export async function runConfirm<V>(
  ctx: ServiceContext,
  id: string,
  update: (fields: { status: 'validated'; updated_at: string }) => Promise<unknown>,
  work: () => Promise<V>,
): Promise<V> {
  try {
    return await work()
  } catch (err) {
    if (!(err instanceof DomainError)) await update({ status: 'validated', updated_at: ctx.clock().toISOString() }).catch(() => undefined)
    throw err
  } finally {
    progress.delete(id)
  }
}

/** Live progress of a confirm from the start, when the check's total is known. */
export function startProgress(id: string, total: number | null): void {
  progress.set(id, { done: 0, total })
}
