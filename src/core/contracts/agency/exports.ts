/**
 * 结果导出 and 逾期名单: exports of the agency console.
 *
 * Roles: the results export carries every certification of the region with FULL name and ID number
 * (the core pension system matches on them), so only 审核员 and 管理员 — the roles that sign in with
 * a second factor — create or download it. The overdue list is the working list of every role (a
 * clerk phones or visits those people), so any role may build and download it; it shows the full
 * name (needed to reach the person) and the MASKED ID number (not needed for that).
 */
import * as v from 'valibot'
import { InsuranceTypeSchema } from '../common'
import { agencyEndpoints, ANY_AGENCY_ROLE, REVIEW_ROLES } from './define'

export const EXPORT_KINDS = ['results', 'overdue'] as const
export const EXPORT_STATUSES = ['building', 'ready', 'failed'] as const
export const RESULTS_FORMATS = ['csv-utf8', 'csv-gbk', 'xlsx'] as const
export type ResultsFormat = (typeof RESULTS_FORMATS)[number]

const ExportIdSchema = v.pipe(v.string(), v.regex(/^[0-9a-f-]{36}$/, 'AGENCY_EXPORT_NOT_FOUND'))

export const ExportViewSchema = v.object({
  exportId: v.string(),
  kind: v.picklist(EXPORT_KINDS),
  regionPrefix: v.string(),
  status: v.picklist(EXPORT_STATUSES),
  createdAt: v.string(),
  /** Agency user id of whoever started it. */
  createdBy: v.string(),
  /** Rows written so far and in all (null until known): the console's progress bar. */
  rowsDone: v.number(),
  rowsTotal: v.nullable(v.number()),
  /** Rows in the finished file (null while building). */
  rowCount: v.nullable(v.number()),
  /** SHA-256 hex of each finished file. */
  checksums: v.object({ csvUtf8: v.nullable(v.string()), csvGbk: v.nullable(v.string()), xlsx: v.nullable(v.string()) }),
  /** results: the change stamps covered, (from, to]. */
  cursorFrom: v.nullable(v.string()),
  cursorTo: v.nullable(v.string()),
  /** overdue: the filters it was built with. */
  filters: v.object({ subRegion: v.optional(v.string()), insuranceType: v.optional(v.string()), minMonthsOverdue: v.optional(v.number()) }),
  errorCode: v.nullable(v.string()),
})
export type ExportView = v.InferOutput<typeof ExportViewSchema>

export const OverdueExportInputSchema = v.object({
  /** A 行政区划 prefix inside the user's own region (e.g. '430102'). */
  subRegion: v.optional(v.pipe(v.string(), v.regex(/^\d{0,12}$/, 'VALIDATION_FAILED'))),
  insuranceType: v.optional(InsuranceTypeSchema),
  minMonthsOverdue: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(600))),
})
export type OverdueExportInput = v.InferOutput<typeof OverdueExportInputSchema>

/**
 * requestId: made by the console once per click of 导出 and sent again on a retry (a dropped
 * connection, a reload): the same user's same request id answers the same export — never a second,
 * empty one covering what came after.
 */
export const ResultsExportInputSchema = v.object({
  requestId: v.optional(v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{8,64}$/, 'VALIDATION_FAILED'))),
})
export type ResultsExportInput = v.InferOutput<typeof ResultsExportInputSchema>

export const EXPORTS_ENDPOINTS = agencyEndpoints({
  exportsResultsCreate: { method: 'POST', path: '/exports/results', roles: REVIEW_ROLES, input: ResultsExportInputSchema, answer: ExportViewSchema },
  exportsResultsDownload: {
    method: 'GET',
    path: '/exports/results/:exportId',
    roles: REVIEW_ROLES,
    params: v.object({ exportId: ExportIdSchema }),
    input: v.object({ format: v.optional(v.picklist(RESULTS_FORMATS, 'VALIDATION_FAILED'), 'xlsx') }),
    answer: 'file',
  },
  exportsOverdueCreate: { method: 'POST', path: '/exports/overdue', roles: ANY_AGENCY_ROLE, input: OverdueExportInputSchema, answer: ExportViewSchema },
  exportsOverdueDownload: { method: 'GET', path: '/exports/overdue/:exportId', roles: ANY_AGENCY_ROLE, params: v.object({ exportId: ExportIdSchema }), answer: 'file' },
  exportsList: {
    method: 'GET',
    path: '/exports',
    roles: ANY_AGENCY_ROLE,
    input: v.object({ kind: v.optional(v.picklist(EXPORT_KINDS, 'VALIDATION_FAILED')) }),
    answer: v.object({ exports: v.array(ExportViewSchema) }),
  },
  exportsStatus: { method: 'GET', path: '/exports/:exportId', roles: ANY_AGENCY_ROLE, params: v.object({ exportId: ExportIdSchema }), answer: ExportViewSchema },
})
