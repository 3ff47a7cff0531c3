/**
 * 静默认证 (数据比对) from the console: upload another department's signals file (the raw CSV bytes as
 * the request body), see the per-row check, download the error report, confirm. The checks, encodings,
 * report and policy are those of `npm run signals:import` (server/signals/); a file with any bad row
 * imports nothing, and rows for persons outside the uploader's region are row errors.
 *
 * Roles: 管理员 only — an import certifies many people at once and a death signal suspends payment.
 */
import * as v from 'valibot'
import { agencyEndpoints } from './define'
import { RosterRowErrorSchema } from './roster'

export const SIGNALS_UPLOAD_STATUSES = ['staged', 'validated', 'failed', 'imported'] as const
/** The largest signals file the console accepts (bytes); larger files go through `npm run signals:import`. */
export const SIGNALS_UPLOAD_MAX_BYTES = 50 * 1024 * 1024
export const SIGNALS_UPLOAD_FIRST_ERRORS = 50

export const SignalsUploadViewSchema = v.object({
  uploadId: v.string(),
  filename: v.string(),
  status: v.picklist(SIGNALS_UPLOAD_STATUSES),
  encoding: v.nullable(v.string()),
  createdAt: v.string(),
  rowsTotal: v.nullable(v.number()),
  rowsDone: v.number(),
  /** imported: new signals stored, rows an earlier import already stored, persons certified, persons flagged (death / conflict). */
  inserted: v.number(),
  alreadyKnown: v.number(),
  certified: v.number(),
  flagged: v.number(),
  rejected: v.number(),
  errorCount: v.number(),
  firstErrors: v.array(RosterRowErrorSchema),
})
export type SignalsUploadView = v.InferOutput<typeof SignalsUploadViewSchema>

const UploadIdParams = v.object({ uploadId: v.pipe(v.string(), v.regex(/^[0-9a-f-]{36}$/, 'AGENCY_SIGNALS_UPLOAD_NOT_FOUND')) })
const ADMIN = ['admin'] as const

export const SIGNALS_ENDPOINTS = agencyEndpoints({
  /** Body: the CSV bytes (text/csv or application/octet-stream); header X-Filename: the URI-encoded file name. */
  signalsUploadCreate: { method: 'POST', path: '/signals/uploads', roles: ADMIN, answer: SignalsUploadViewSchema },
  signalsUploadStatus: { method: 'GET', path: '/signals/uploads/:uploadId', roles: ADMIN, params: UploadIdParams, answer: SignalsUploadViewSchema },
  signalsUploadReport: { method: 'GET', path: '/signals/uploads/:uploadId/report', roles: ADMIN, params: UploadIdParams, answer: 'file' },
  signalsUploadConfirm: { method: 'POST', path: '/signals/uploads/:uploadId/confirm', roles: ADMIN, params: UploadIdParams, input: v.object({}), answer: SignalsUploadViewSchema },
})
