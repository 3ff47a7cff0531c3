/**
 * 静默认证 (数据比对) from the console: the upload is staged (sealed in signal_imports.body_enc, like a
 * roster upload: every instance sees the database, not the same disk), checked in the background by the
 * SAME check as `npm run signals:import` (server/signals/check.ts) scoped to the uploader's region —
 * a row for a person outside it is a row error — and imported only on confirm by the same
 * applySignals (one transaction; the policy, passes through applyPass, death signals suspend and flag).
 * Confirm checks the file again (the roster may have changed): any refused row, and nothing is written.
 * The report, the sealed bytes and the filename handling are the roster upload's pieces.
 *
 * Progress is kept in memory, as for the roster upload (on SQLite the import's transaction holds the
 * one connection).
 */
import { createHash } from 'node:crypto'
import type { AgencyFile } from '../../../src/core/contracts/agency/define'
import { SIGNALS_UPLOAD_FIRST_ERRORS, type SignalsUploadView } from '../../../src/core/contracts/agency/signals'
import { DomainError } from '../../../src/core/errors'
import type { SilentPolicy } from '../../../src/core/silent-certification'
import type { AgencyActor } from '../../agency/actor'
import type { SignalImportsTable } from '../../db/schema'
import { newId } from '../../db/ids'
import { regionLike } from '../../repositories/agency/exports'
import { appendAudit } from '../../repositories/audit'
import type { RowError } from '../../roster/columns'
import { reportCsv } from '../../roster/report'
import { applySignals } from '../../signals/apply'
import { checkSignalsBytes } from '../../signals/check'
import { shanghaiDate } from '../../time/clock'
import type { ServiceContext } from '../context'
import { openBytes, sealBytes } from './sealed-file'

type UploadRow = SignalImportsTable

const progress = new Map<string, { done: number; total: number | null }>()
const checks = new Map<string, Promise<void>>()

/** Resolves when the background check of an upload has finished (tests wait for it). */
export async function settledSignalsUpload(id: string): Promise<void> {
  await checks.get(id)
}

function errorsOf(row: UploadRow): RowError[] {
  try {
    return JSON.parse(row.errors_json) as RowError[]
  } catch {
    return []
  }
}

function viewOf(row: UploadRow): SignalsUploadView {
  const live = progress.get(row.id)
  return {
    uploadId: row.id,
    filename: row.filename,
    status: row.status,
    encoding: row.encoding,
    createdAt: row.created_at,
    rowsTotal: live?.total ?? (row.rows_total === null ? null : Number(row.rows_total)),
    rowsDone: live?.done ?? Number(row.rows_done),
    inserted: Number(row.inserted),
    alreadyKnown: Number(row.already_known),
    certified: Number(row.certified),
    flagged: Number(row.flagged),
    rejected: Number(row.rejected),
    errorCount: Number(row.error_count),
    firstErrors: errorsOf(row).slice(0, SIGNALS_UPLOAD_FIRST_ERRORS),
  }
}

/** A file name as a label only (no path, no control characters, bounded). */
function cleanFilename(name: string | undefined): string {
  const base = (name ?? '').split(/[\\/]/).pop() ?? ''
  // eslint-disable-next-line no-control-regex
  return base.replace(/[\u0000-\u001f\u007f]/g, '').trim().slice(0, 120) || '比对数据.csv'
}

const update = (ctx: ServiceContext, id: string, fields: Partial<Omit<UploadRow, 'id'>>) => ctx.db.updateTable('signal_imports').set(fields).where('id', '=', id).execute()

async function uploadOf(ctx: ServiceContext, actor: AgencyActor, id: string): Promise<UploadRow> {
  const row = await ctx.db
    .selectFrom('signal_imports')
    .selectAll()
    .where('id', '=', id)
    .where('actor_type', '=', 'agency')
    .where('region_prefix', 'like', regionLike(actor.regionPrefix))
    .executeTakeFirst()
  if (!row) throw new DomainError('AGENCY_SIGNALS_UPLOAD_NOT_FOUND')
  return row as UploadRow
}

const distinctLines = (errors: readonly RowError[]): number => new Set(errors.map((e) => e.line)).size

async function check(ctx: ServiceContext, actor: AgencyActor, id: string, bytes: Buffer) {
  return checkSignalsBytes(ctx.db, bytes, { pii: ctx.pii, today: shanghaiDate(ctx.clock()), regionPrefix: actor.regionPrefix, onProgress: (done, total) => progress.set(id, { done, total }) })
}

export async function createSignalsUpload(ctx: ServiceContext, actor: AgencyActor, bytes: Buffer, filename?: string): Promise<SignalsUploadView> {
  if (bytes.length === 0) throw new DomainError('AGENCY_SIGNALS_UPLOAD_EMPTY')
  const now = ctx.clock().toISOString()
  const sha256 = createHash('sha256').update(bytes).digest('hex')
  const row: UploadRow = {
    id: newId(),
    actor_type: 'agency',
    actor_ref: actor.userId,
    region_prefix: actor.regionPrefix,
    filename: cleanFilename(filename),
    encoding: null,
    sha256,
    bytes: bytes.length,
    status: 'staged',
    rows_total: null,
    rows_done: 0,
    inserted: 0,
    already_known: 0,
    rejected: 0,
    certified: 0,
    flagged: 0,
    error_count: 0,
    errors_json: '[]',
    body_enc: sealBytes(ctx.pii, bytes),
    created_at: now,
    updated_at: now,
    finished_at: null,
  }
  await ctx.db.insertInto('signal_imports').values(row).execute()
  await appendAudit(ctx.db, { at: now, actorType: 'agency', actorRef: actor.userId, action: 'agency.signals.uploaded', detail: { uploadId: row.id, bytes: bytes.length, sha256 } })
  progress.set(row.id, { done: 0, total: null })
  const running = (async () => {
    const result = await check(ctx, actor, row.id, bytes)
    const errors = result.fatal.length > 0 ? result.fatal : result.errors
    await update(ctx, row.id, {
      status: errors.length > 0 ? 'failed' : 'validated',
      encoding: result.encoding,
      rows_total: result.total,
      rows_done: result.total,
      rejected: result.fatal.length > 0 ? 0 : result.rejected,
      error_count: errors.length,
      errors_json: JSON.stringify(errors),
      updated_at: ctx.clock().toISOString(),
    })
  })()
    .catch(async () => {
      await update(ctx, row.id, { status: 'failed', updated_at: ctx.clock().toISOString(), errors_json: JSON.stringify([{ line: 0, column: '', reason: '检查比对数据时出错，请重新上传' }]), error_count: 1 })
    })
    .finally(() => {
      progress.delete(row.id)
      checks.delete(row.id)
    })
  checks.set(row.id, running)
  return viewOf(row)
}

export async function signalsUploadStatus(ctx: ServiceContext, actor: AgencyActor, id: string): Promise<SignalsUploadView> {
  return viewOf(await uploadOf(ctx, actor, id))
}

/** The full per-row error report, as the CLI writes it (UTF-8 with BOM; line, column, reason — never a cell's value). */
export async function signalsUploadReport(ctx: ServiceContext, actor: AgencyActor, id: string): Promise<AgencyFile> {
  const row = await uploadOf(ctx, actor, id)
  if (row.status === 'staged' && row.rows_total === null) throw new DomainError('AGENCY_SIGNALS_UPLOAD_NOT_READY')
  return {
    filename: `比对数据错误明细_${row.id.slice(0, 8)}.csv`,
    contentType: 'text/csv; charset=utf-8',
    body: Buffer.from(reportCsv(errorsOf(row)), 'utf8'),
    headers: { 'x-error-count': String(row.error_count) },
  }
}

/**
 * Imports a checked upload. Idempotent: confirming an imported upload answers it again; two confirms at
 * once: one moves it validated → staged and imports, the other is told it is still being worked on.
 */
export async function confirmSignalsUpload(ctx: ServiceContext, actor: AgencyActor, id: string, policy: SilentPolicy): Promise<SignalsUploadView> {
  const row = await uploadOf(ctx, actor, id)
  if (row.status === 'imported') return viewOf(row)
  if (row.status === 'failed') throw new DomainError('AGENCY_SIGNALS_UPLOAD_HAS_ERRORS')
  if (row.status === 'staged' || !row.body_enc) throw new DomainError('AGENCY_SIGNALS_UPLOAD_NOT_READY')
  const claimed = await ctx.db.updateTable('signal_imports').set({ status: 'staged', updated_at: ctx.clock().toISOString() }).where('id', '=', id).where('status', '=', 'validated').executeTakeFirst()
  if (Number(claimed.numUpdatedRows) !== 1) {
    const now = await uploadOf(ctx, actor, id)
    if (now.status === 'imported') return viewOf(now)
    if (now.status === 'failed') throw new DomainError('AGENCY_SIGNALS_UPLOAD_HAS_ERRORS')
    throw new DomainError('AGENCY_SIGNALS_UPLOAD_NOT_READY')
  }
  const bytes = openBytes(ctx.pii, row.body_enc)
  try {
    const result = await check(ctx, actor, id, bytes)
    const errors = result.fatal.length > 0 ? result.fatal : result.errors
    if (errors.length > 0) {
      await update(ctx, id, { status: 'failed', error_count: errors.length, rejected: distinctLines(errors), errors_json: JSON.stringify(errors), updated_at: ctx.clock().toISOString() })
      throw new DomainError('AGENCY_SIGNALS_UPLOAD_HAS_ERRORS')
    }
    const now = ctx.clock()
    const applied = await applySignals(ctx.db, result.rows, {
      today: shanghaiDate(now),
      now: now.toISOString(),
      cyclePolicy: ctx.cyclePolicy,
      policy,
      importId: id,
      staged: true,
      importRow: { actorType: 'agency', actorRef: actor.userId, regionPrefix: actor.regionPrefix, filename: row.filename, encoding: result.encoding, sha256: row.sha256, bytes: row.bytes },
      total: result.total,
      rejected: 0,
      errors: [],
      agencyUserId: actor.userId,
      onProgress: (done, total) => progress.set(id, { done, total }),
    })
    await appendAudit(ctx.db, {
      at: now.toISOString(),
      actorType: 'agency',
      actorRef: actor.userId,
      action: 'agency.signals.imported',
      detail: { uploadId: id, total: result.total, inserted: applied.inserted, alreadyKnown: applied.alreadyKnown, certified: applied.certified, flagged: applied.flagged },
    })
    return viewOf(await uploadOf(ctx, actor, id))
  } catch (err) {
    // A crash of the import (not a refusal): back to checked, so confirm can be repeated.
    if (!(err instanceof DomainError)) await update(ctx, id, { status: 'validated', updated_at: ctx.clock().toISOString() }).catch(() => undefined)
    throw err
  } finally {
    progress.delete(id)
  }
}
