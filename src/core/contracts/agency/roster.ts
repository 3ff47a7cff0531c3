/**
 * 名册导入 from the console: upload the roster CSV (the raw bytes as the request body), see the
 * per-row check, download the error report, confirm. The checks, encodings and report are those of
 * `npm run roster:import` (server/roster/); a file with any bad row imports nothing.
 *
 * Roles: 管理员 only. An import rewrites persons' benefit status and last-certified date for a whole
 * region in one go — it moves money — and the core system's roster is the source of truth the
 * office receives; clerks record single certifications, they do not replace the roster.
 */
import * as v from 'valibot'
import { agencyEndpoints } from './define'

export const ROSTER_UPLOAD_STATUSES = ['staged', 'validated', 'failed', 'imported'] as const
/** The largest roster the console accepts (bytes); larger files go through `npm run roster:import`. */
export const ROSTER_UPLOAD_MAX_BYTES = 50 * 1024 * 1024
/** Errors shown in the upload's view; the rest are in the report download. */
export const ROSTER_UPLOAD_FIRST_ERRORS = 50

export const RosterRowErrorSchema = v.object({ line: v.number(), column: v.string(), reason: v.string() })

export const RosterUploadViewSchema = v.object({
  uploadId: v.string(),
  filename: v.string(),
  status: v.picklist(ROSTER_UPLOAD_STATUSES),
  /** 'utf-8' | 'utf-8-bom' | 'gbk', once read. */
  encoding: v.nullable(v.string()),
  createdAt: v.string(),
  rowsTotal: v.nullable(v.number()),
  rowsDone: v.number(),
  /** validated: what the import would do; imported: what it did. */
  inserted: v.number(),
  updated: v.number(),
  unchanged: v.number(),
  rejected: v.number(),
  errorCount: v.number(),
  firstErrors: v.array(RosterRowErrorSchema),
})
export type RosterUploadView = v.InferOutput<typeof RosterUploadViewSchema>

const UploadIdParams = v.object({ uploadId: v.pipe(v.string(), v.regex(/^[0-9a-f-]{36}$/, 'AGENCY_ROSTER_UPLOAD_NOT_FOUND')) })
const ADMIN = ['admin'] as const

export const ROSTER_ENDPOINTS = agencyEndpoints({
  /** Body: the CSV bytes (content-type text/csv or application/octet-stream); header X-Filename: the URI-encoded file name. */
  rosterUploadCreate: { method: 'POST', path: '/roster/uploads', roles: ADMIN, answer: RosterUploadViewSchema },
  rosterUploadStatus: { method: 'GET', path: '/roster/uploads/:uploadId', roles: ADMIN, params: UploadIdParams, answer: RosterUploadViewSchema },
  rosterUploadReport: { method: 'GET', path: '/roster/uploads/:uploadId/report', roles: ADMIN, params: UploadIdParams, answer: 'file' },
  rosterUploadConfirm: { method: 'POST', path: '/roster/uploads/:uploadId/confirm', roles: ADMIN, params: UploadIdParams, input: v.object({}), answer: RosterUploadViewSchema },
})
