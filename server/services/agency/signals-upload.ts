/**
 * 静默认证 (数据比对) from the console: the upload is staged (sealed in signal_imports.body_enc, like a
 * roster upload: every instance sees the database, not the same disk), checked in the background by the
 * SAME check as `npm run signals:import` (server/signals/check.ts) scoped to the uploader's region —
 * a row for a person outside it is a row error — and imported only on confirm by the same
 * applySignals (one transaction; the policy, passes through applyPass, death signals suspend and flag).
 * Confirm checks the file again (the roster may have changed): any refused row, and nothing is written.
 * The staging, background check, progress, report and confirm steps are shared with the roster
 * upload (./staged-upload.ts); the check, the import, the counts and the codes are this upload's own.
 */
import type { AgencyFile } from '../../../src/core/contracts/agency/define'
import { SIGNALS_UPLOAD_FIRST_ERRORS, type SignalsUploadView } from '../../../src/core/contracts/agency/signals'
import { DomainError } from '../../../src/core/errors'
import type { SilentPolicy } from '../../../src/core/silent-certification'
import type { AgencyActor } from '../../agency/actor'
import { claimSignalUpload, insertSignalUpload, signalUploadInScope, updateSignalUpload, type SignalUploadRow } from '../../repositories/agency/signal-uploads'
import { appendAudit } from '../../repositories/audit'
import { applySignals, NO_SIGNAL_COUNTS } from '../../signals/apply'
import { checkSignalsBytes } from '../../signals/check'
import { shanghaiDate } from '../../time/clock'
import type { ServiceContext } from '../context'
import { openBytes } from './sealed-file'
import { confirmAgainAnswer, confirmAnswer, distinctLines, progressOf, runConfirm, settled, stagedColumns, stagedView, startCheck, uploadReport } from './staged-upload'

type UploadRow = SignalUploadRow

const CODES = { hasErrors: 'AGENCY_SIGNALS_UPLOAD_HAS_ERRORS', notReady: 'AGENCY_SIGNALS_UPLOAD_NOT_READY' } as const

/** Resolves when the background check of an upload has finished (tests wait for it). */
export const settledSignalsUpload = settled

function viewOf(row: UploadRow): SignalsUploadView {
  const counts = { inserted: Number(row.inserted), alreadyKnown: Number(row.already_known), certified: Number(row.certified), flagged: Number(row.flagged) }
  return stagedView(row, counts, SIGNALS_UPLOAD_FIRST_ERRORS)
}

const update = (ctx: ServiceContext, id: string, fields: Partial<Omit<UploadRow, 'id'>>) => updateSignalUpload(ctx.db, id, fields)

async function uploadOf(ctx: ServiceContext, actor: AgencyActor, id: string): Promise<UploadRow> {
  const row = await signalUploadInScope(ctx.db, id, actor.regionPrefix)
  if (!row) throw new DomainError('AGENCY_SIGNALS_UPLOAD_NOT_FOUND')
  return row
}

async function check(ctx: ServiceContext, actor: AgencyActor, id: string, bytes: Buffer) {
  return checkSignalsBytes(ctx.db, bytes, { pii: ctx.pii, today: shanghaiDate(ctx.clock()), regionPrefix: actor.regionPrefix, onProgress: progressOf(id) })
}

export async function createSignalsUpload(ctx: ServiceContext, actor: AgencyActor, bytes: Buffer, filename?: string): Promise<SignalsUploadView> {
  if (bytes.length === 0) throw new DomainError('AGENCY_SIGNALS_UPLOAD_EMPTY')
  const row: UploadRow = {
    ...stagedColumns(ctx, bytes, filename, '比对数据.csv'),
    actor_type: 'agency',
    actor_ref: actor.userId,
    region_prefix: actor.regionPrefix,
    ...NO_SIGNAL_COUNTS,
  }
  await insertSignalUpload(ctx.db, row)
  await startCheck(ctx, actor, row, {
    auditAction: 'agency.signals.uploaded',
    crashReason: '检查比对数据时出错，请重新上传',
    update: (fields) => update(ctx, row.id, fields),
    check: async () => {
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
    },
  })
  return viewOf(row)
}

export async function signalsUploadStatus(ctx: ServiceContext, actor: AgencyActor, id: string): Promise<SignalsUploadView> {
  return viewOf(await uploadOf(ctx, actor, id))
}

/** The full per-row error report, as the CLI writes it (UTF-8 with BOM; line, column, reason — never a cell's value). */
export async function signalsUploadReport(ctx: ServiceContext, actor: AgencyActor, id: string): Promise<AgencyFile> {
  const row = await uploadOf(ctx, actor, id)
  // Unlike the roster's, a claimed (re-staged) upload that was checked keeps its report.
  if (row.status === 'staged' && row.rows_total === null) throw new DomainError('AGENCY_SIGNALS_UPLOAD_NOT_READY')
  return uploadReport(row, '比对数据错误明细')
}

/**
 * Imports a checked upload. Idempotent: confirming an imported upload answers it again; two confirms at
 * once: one moves it validated → staged and imports, the other is told it is still being worked on.
 */
export async function confirmSignalsUpload(ctx: ServiceContext, actor: AgencyActor, id: string, policy: SilentPolicy): Promise<SignalsUploadView> {
  const row = await uploadOf(ctx, actor, id)
  const ready = confirmAnswer(row, viewOf, CODES)
  if ('answer' in ready) return ready.answer
  if (!(await claimSignalUpload(ctx.db, id, 'validated', 'staged', ctx.clock().toISOString()))) return confirmAgainAnswer(await uploadOf(ctx, actor, id), viewOf, CODES)
  const bytes = openBytes(ctx.pii, ready.sealed)
  return runConfirm(ctx, id, (fields) => update(ctx, id, fields), async () => {
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
      onProgress: progressOf(id),
    })
    await appendAudit(ctx.db, {
      at: now.toISOString(),
      actorType: 'agency',
      actorRef: actor.userId,
      action: 'agency.signals.imported',
      detail: { uploadId: id, total: result.total, inserted: applied.inserted, alreadyKnown: applied.alreadyKnown, certified: applied.certified, flagged: applied.flagged },
    })
    return viewOf(await uploadOf(ctx, actor, id))
  })
}
