/**
 * 名册导入 from the console: the upload is staged (sealed, in the database), checked in the
 * background, and imported only on confirm — by the SAME import as `npm run roster:import`
 * (server/roster/import-file.ts: encoding detection, header, codec, duplicates, one transaction, the
 * same per-row report). A file with any bad row imports nothing.
 *
 * The check before confirm: the console's own rule — only persons of the uploader's region: a row
 * whose 行政区划 lies outside it, or whose 个人编号 another region already keeps, is a row error — and
 * then the import itself with checkOnly (every cell through the roster codec, duplicates inside the
 * file, an ID number already under another 个人编号), which writes nothing. Confirm runs the region
 * rule and the real import again (the roster may have changed meanwhile): any refused row, and
 * nothing is imported; the upload turns 'failed' and its report lists the rows.
 *
 * The staging, background check, progress (in memory), report and confirm steps are shared with the
 * signals upload (./staged-upload.ts); the region rule, the import and the counts are the roster's.
 */
import { ROSTER_UPLOAD_FIRST_ERRORS, type RosterUploadView } from '../../../src/core/contracts/agency/roster'
import type { AgencyFile } from '../../../src/core/contracts/agency/define'
import { DomainError } from '../../../src/core/errors'
import type { AgencyActor } from '../../agency/actor'
import { appendAudit } from '../../repositories/audit'
import { claimImport, importInScope, insertImport, personNosOutside, updateImport, type ImportRow } from '../../repositories/agency/imports'
import { ROSTER_CODEC, ROSTER_COLUMNS, type RawRosterRow, type RowError } from '../../roster/columns'
import { decodeRoster } from '../../roster/decode'
import { importRosterBytes } from '../../roster/import-file'
import { parseRosterCsv } from '../../roster/parse'
import { shanghaiDate } from '../../time/clock'
import type { ServiceContext } from '../context'
import { openBytes } from './sealed-file'
import { confirmAgainAnswer, confirmAnswer, distinctLines, progressOf, runConfirm, settled, stagedColumns, stagedView, startCheck, startProgress, uploadReport } from './staged-upload'

export const OUTSIDE_REGION_REASON = '该人员的行政区划不在您的管辖范围内'
/** Rows checked between two yields to the event loop. */
const CHECK_SLICE = 5000

export const KEPT_ELSEWHERE_REASON = '该个人编号已登记在您管辖范围以外的地区'

export const settledUpload = settled

const CODES = { hasErrors: 'AGENCY_ROSTER_UPLOAD_HAS_ERRORS', notReady: 'AGENCY_ROSTER_UPLOAD_NOT_READY' } as const

export function uploadView(row: ImportRow): RosterUploadView {
  return stagedView(row, { inserted: Number(row.inserted), updated: Number(row.updated), unchanged: Number(row.unchanged) }, ROSTER_UPLOAD_FIRST_ERRORS)
}

export async function createRosterUpload(ctx: ServiceContext, actor: AgencyActor, bytes: Buffer, filename?: string): Promise<RosterUploadView> {
  if (bytes.length === 0) throw new DomainError('AGENCY_ROSTER_UPLOAD_EMPTY')
  const row: ImportRow = { ...stagedColumns(ctx, bytes, filename, '名册.csv'), created_by: actor.userId, region_prefix: actor.regionPrefix, inserted: 0, updated: 0, unchanged: 0 }
  await insertImport(ctx.db, row)
  await startCheck(ctx, actor, row, {
    auditAction: 'agency.roster.uploaded',
    crashReason: '检查名册时出错，请重新上传',
    check: () => checkUpload(ctx, actor, row.id, bytes),
    update: (fields) => updateImport(ctx.db, row.id, fields),
  })
  return uploadView(row)
}

interface CheckResult {
  encoding: string
  total: number
  errors: RowError[]
  rejected: number
  /** What the import would do (meaningful when there are no errors). */
  inserted: number
  updated: number
  unchanged: number
}

/** The console's own rule: rows of the uploader's region only (行政区划 inside it, 个人编号 not kept by another region). */
async function regionErrors(ctx: ServiceContext, actor: AgencyActor, rows: readonly RawRosterRow[]): Promise<RowError[]> {
  const errors: RowError[] = []
  const today = shanghaiDate(ctx.clock())
  const linesOf = new Map<string, number[]>()
  for (let i = 0; i < rows.length; i++) {
    const raw = rows[i]
    const region = (raw.cells.regionCode ?? '').trim()
    if ('value' in ROSTER_CODEC.regionCode.parse(region, { today }) && !region.startsWith(actor.regionPrefix)) {
      errors.push({ line: raw.line, column: ROSTER_COLUMNS.regionCode, reason: OUTSIDE_REGION_REASON })
    }
    const personNo = ROSTER_CODEC.personNo.parse(raw.cells.personNo ?? '', { today })
    if ('value' in personNo) linesOf.set(personNo.value, [...(linesOf.get(personNo.value) ?? []), raw.line])
    // Let other requests run between slices: a 50 MB roster has hundreds of thousands of rows.
    if ((i + 1) % CHECK_SLICE === 0) await new Promise<void>((resolve) => setImmediate(resolve))
  }
  for (const personNo of await personNosOutside(ctx.db, [...linesOf.keys()], actor.regionPrefix)) {
    for (const line of linesOf.get(personNo) ?? []) errors.push({ line, column: ROSTER_COLUMNS.personNo, reason: KEPT_ELSEWHERE_REASON })
  }
  return errors
}

/** Parses the file as the import does, and applies the region rule; fatal problems of the file come back as errors. */
async function regionCheck(ctx: ServiceContext, actor: AgencyActor, bytes: Buffer): Promise<{ encoding: string; total: number; errors: RowError[] }> {
  const { text, encoding } = decodeRoster(bytes)
  const parsed = parseRosterCsv(text)
  if (parsed.fatal.length > 0) return { encoding, total: 0, errors: parsed.fatal }
  return { encoding, total: parsed.rows.length, errors: await regionErrors(ctx, actor, parsed.rows) }
}

/** The import's options for an upload, the same for the check (checkOnly) and for confirm: all rows or none. */
function importOptions(ctx: ServiceContext, actor: AgencyActor) {
  const now = ctx.clock()
  return { pii: ctx.pii, today: shanghaiDate(now), now: now.toISOString(), cyclePolicy: ctx.cyclePolicy, skipInvalid: false, actor: `agency:${actor.userId}` }
}

/**
 * The check before confirm: the region rule, then the import itself run with checkOnly — every cell,
 * duplicates inside the file and clashes with the stored roster, exactly as confirm will find them,
 * with nothing written — and what it would insert, update or leave unchanged.
 */
export async function checkRosterBytes(ctx: ServiceContext, actor: AgencyActor, bytes: Buffer, onRow?: (done: number, total: number) => void): Promise<CheckResult> {
  const region = await regionCheck(ctx, actor, bytes)
  const none = { inserted: 0, updated: 0, unchanged: 0 }
  if (region.total === 0 && region.errors.length > 0) return { encoding: region.encoding, total: 0, errors: region.errors, rejected: 0, ...none }
  const dry = await importRosterBytes(ctx.db, bytes, { ...importOptions(ctx, actor), checkOnly: true, ...(onRow ? { onProgress: onRow } : {}) })
  if (!dry.summary) return { encoding: dry.encoding, total: 0, errors: dry.fatal, rejected: 0, ...none }
  const errors = [...dry.summary.errors, ...region.errors].sort((a, b) => a.line - b.line)
  const counts = errors.length > 0 ? none : { inserted: dry.summary.inserted, updated: dry.summary.updated, unchanged: dry.summary.unchanged }
  return { encoding: dry.encoding, total: region.total, errors, rejected: distinctLines(errors), ...counts }
}

async function checkUpload(ctx: ServiceContext, actor: AgencyActor, id: string, bytes: Buffer): Promise<void> {
  const result = await checkRosterBytes(ctx, actor, bytes, progressOf(id))
  await updateImport(ctx.db, id, {
    status: result.errors.length > 0 ? 'failed' : 'validated',
    encoding: result.encoding,
    rows_total: result.total,
    rows_done: result.total,
    inserted: result.inserted,
    updated: result.updated,
    unchanged: result.unchanged,
    rejected: result.rejected,
    error_count: result.errors.length,
    errors_json: JSON.stringify(result.errors),
    updated_at: ctx.clock().toISOString(),
  })
}

async function uploadOf(ctx: ServiceContext, actor: AgencyActor, id: string): Promise<ImportRow> {
  const row = await importInScope(ctx.db, id, actor.regionPrefix)
  if (!row) throw new DomainError('AGENCY_ROSTER_UPLOAD_NOT_FOUND')
  return row
}

export async function rosterUploadStatus(ctx: ServiceContext, actor: AgencyActor, id: string): Promise<RosterUploadView> {
  return uploadView(await uploadOf(ctx, actor, id))
}

/** The full per-row error report, as the CLI writes it (UTF-8 with BOM; line, column, reason). */
export async function rosterUploadReport(ctx: ServiceContext, actor: AgencyActor, id: string): Promise<AgencyFile> {
  const row = await uploadOf(ctx, actor, id)
  if (row.status === 'staged') throw new DomainError('AGENCY_ROSTER_UPLOAD_NOT_READY')
  return uploadReport(row, '名册错误明细')
}

/**
 * Imports a checked upload. Idempotent: confirming an imported upload answers it again. Two confirms
 * at once: one moves it validated → staged and imports, the other is told it is still being worked on.
 */
export async function confirmRosterUpload(ctx: ServiceContext, actor: AgencyActor, id: string): Promise<RosterUploadView> {
  const row = await uploadOf(ctx, actor, id)
  const ready = confirmAnswer(row, uploadView, CODES)
  if ('answer' in ready) return ready.answer
  if (!(await claimImport(ctx.db, id, 'validated', 'staged', ctx.clock().toISOString()))) return confirmAgainAnswer(await uploadOf(ctx, actor, id), uploadView, CODES)
  const bytes = openBytes(ctx.pii, ready.sealed)
  startProgress(id, row.rows_total === null ? null : Number(row.rows_total))
  return runConfirm(ctx, id, (fields) => updateImport(ctx.db, id, fields), async () => {
    const fail = async (errors: RowError[], rejected: number): Promise<never> => {
      const at = ctx.clock().toISOString()
      await updateImport(ctx.db, id, { status: 'failed', error_count: errors.length, rejected, errors_json: JSON.stringify(errors), updated_at: at })
      await appendAudit(ctx.db, { at, actorType: 'agency', actorRef: actor.userId, action: 'agency.roster.import_refused', detail: { uploadId: id, rejected, errors: errors.length } })
      throw new DomainError('AGENCY_ROSTER_UPLOAD_HAS_ERRORS')
    }
    // The region rule again: the roster may have changed since the check (the import re-checks the rest).
    const again = await regionCheck(ctx, actor, bytes)
    if (again.errors.length > 0) return await fail(again.errors, distinctLines(again.errors))
    const file = await importRosterBytes(ctx.db, bytes, { ...importOptions(ctx, actor), onProgress: progressOf(id) })
    if (!file.summary) return await fail(file.fatal, 0)
    const s = file.summary
    if (!s.committed) return await fail(s.errors, s.rejected)
    const at = ctx.clock().toISOString()
    await updateImport(ctx.db, id, {
      status: 'imported',
      rows_done: s.total,
      rows_total: s.total,
      inserted: s.inserted,
      updated: s.updated,
      unchanged: s.unchanged,
      rejected: 0,
      body_enc: null,
      updated_at: at,
      finished_at: at,
    })
    await appendAudit(ctx.db, {
      at,
      actorType: 'agency',
      actorRef: actor.userId,
      action: 'agency.roster.imported',
      detail: { uploadId: id, total: s.total, inserted: s.inserted, updated: s.updated, unchanged: s.unchanged },
    })
    return uploadView(await uploadOf(ctx, actor, id))
  })
}
