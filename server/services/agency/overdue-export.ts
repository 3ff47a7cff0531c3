/**
 * 逾期名单 as XLSX: built in the background after POST /exports/overdue answers, with progress the
 * console polls (GET /exports/:id: rows done / total), then downloaded as the stored file.
 *
 * The rows come from the set-based overdue read (server/repositories/agency/standing.ts
 * overduePages), the same one the console's list pages through, so the file and the list never
 * disagree. Columns: the full name (a clerk needs it to phone or visit the person; an audited read,
 * one audit row per export and per download) and the MASKED ID number (not needed for that).
 */
import { createHash } from 'node:crypto'
import type { ExportView, OverdueExportInput } from '../../../src/core/contracts/agency/exports'
import { INSURANCE_LABELS, type InsuranceType } from '../../../src/core/insurance'
import { DomainError } from '../../../src/core/errors'
import type { AgencyActor } from '../../agency/actor'
import { appendAudit } from '../../repositories/audit'
import { failExport, insertExport, putExportFiles, setExportProgress, setExportStatus, type ExportRow } from '../../repositories/agency/exports'
import { countOverdue, overduePages, type OverdueFilter, type OverdueRow } from '../../repositories/agency/standing'
import { shanghaiDate } from '../../time/clock'
import type { ServiceContext } from '../context'
import { exportView, newBuildingExport, startBuild } from './exports'
import { sealBytes } from './sealed-file'
import { XlsxTableWriter } from './xlsx'

export const OVERDUE_HEADERS = ['个人编号', '姓名', '身份证号（脱敏）', '险种', '行政区划', '待遇状态', '应认证月份', '暂停发放起始', '逾期月数'] as const

const PROGRESS_EVERY = 2000

export async function createOverdueExport(ctx: ServiceContext, actor: AgencyActor, input: OverdueExportInput): Promise<ExportView> {
  const regionPrefix = input.subRegion ?? actor.regionPrefix
  // A sub-region must lie inside the user's own region: outside it is answered like an unknown one.
  if (!regionPrefix.startsWith(actor.regionPrefix)) throw new DomainError('AGENCY_OUT_OF_SCOPE')
  const now = ctx.clock()
  const filters = {
    ...(input.subRegion !== undefined ? { subRegion: input.subRegion } : {}),
    ...(input.insuranceType ? { insuranceType: input.insuranceType } : {}),
    ...(input.minMonthsOverdue !== undefined ? { minMonthsOverdue: input.minMonthsOverdue } : {}),
  }
  const row = newBuildingExport({
    kind: 'overdue',
    region_prefix: regionPrefix,
    created_by: actor.userId,
    created_at: now.toISOString(),
    cursor_from: null,
    cursor_to: null,
    filters: JSON.stringify(filters),
  })
  await insertExport(ctx.db, row)
  const filter: OverdueFilter = {
    regionPrefix: actor.regionPrefix,
    ...(input.subRegion !== undefined ? { subRegion: input.subRegion } : {}),
    ...(input.insuranceType ? { insuranceType: input.insuranceType } : {}),
    ...(input.minMonthsOverdue !== undefined ? { minMonthsOverdue: input.minMonthsOverdue } : {}),
  }
  // Not awaited: the console polls the export's progress. Failures are kept on the row.
  startBuild(row.id, () => buildOverdue(ctx, actor, row, filter, shanghaiDate(now)))
  return exportView(row)
}

const STATUS_LABELS = { normal: '正常', suspended: '暂停发放' } as const

function overdueCells(ctx: ServiceContext, r: OverdueRow): string[] {
  const { name } = ctx.pii.openPerson(r.piiEnc)
  return [
    r.personNo,
    name,
    r.idNumberMasked,
    INSURANCE_LABELS[r.insuranceType as InsuranceType] ?? r.insuranceType,
    r.regionCode,
    STATUS_LABELS[r.benefitStatus] ?? r.benefitStatus,
    r.dueMonth,
    r.suspendedSince,
    // A person the agency suspended before her deadline is not late: a clerk must not tell her she is.
    r.suspendedBy === 'agency' ? `未到期，机构暂停${r.monthsOverdue}个月` : String(r.monthsOverdue),
  ]
}

/** Reads the list page by page (rows done / total on the export row as it goes), then writes the XLSX once. */
export async function buildOverdue(ctx: ServiceContext, actor: AgencyActor, row: ExportRow, filter: OverdueFilter, today: string): Promise<ExportRow> {
  try {
    const total = await countOverdue(ctx.db, filter, today, ctx.cyclePolicy)
    await setExportProgress(ctx.db, row.id, 0, total)
    // Rows go straight into the streaming XLSX writer: the list is never held in memory whole.
    const xlsx = new XlsxTableWriter('逾期名单', OVERDUE_HEADERS, new Date(row.created_at))
    let reported = 0
    for await (const page of overduePages(ctx.db, filter, today, ctx.cyclePolicy)) {
      for (const r of page) xlsx.add(overdueCells(ctx, r))
      if (xlsx.rows - reported >= PROGRESS_EVERY) {
        reported = xlsx.rows
        await setExportProgress(ctx.db, row.id, xlsx.rows, Math.max(total, xlsx.rows))
      }
    }
    const body = await xlsx.finish()
    const sum = createHash('sha256').update(body).digest('hex')
    const done: Partial<ExportRow> = { status: 'ready', row_count: xlsx.rows, rows_done: xlsx.rows, rows_total: xlsx.rows, sha256_xlsx: sum, finished_at: ctx.clock().toISOString() }
    await ctx.db.transaction().execute(async (trx) => {
      await putExportFiles(trx, row.id, [{ format: 'xlsx', sha256: sum, bytes: body.length, bodyEnc: sealBytes(ctx.pii, body) }])
      await setExportStatus(trx, row.id, done)
      await appendAudit(trx, {
        at: ctx.clock().toISOString(),
        actorType: 'agency',
        actorRef: actor.userId,
        action: 'agency.export.overdue.created',
        detail: { exportId: row.id, regionPrefix: row.region_prefix, rows: xlsx.rows },
      })
    })
    return { ...row, ...done }
  } catch (err) {
    await failExport(ctx.db, row.id, err instanceof DomainError ? err.code : 'INTERNAL').catch(() => undefined)
    throw err
  }
}
