/**
 * 静默认证 (数据比对) from the console: upload another department's signals file (the raw CSV bytes as
 * the request body), see the per-row check, download the error report, confirm. The checks, encodings,
 * report and policy are those of `npm run signals:import` (server/signals/); a file with any bad row
 * imports nothing, and rows for persons outside the uploader's region are row errors.
 *
 * Roles: 管理员 only — an import certifies many people at once and a death signal suspends payment.
 *
 * 死亡信息核实: the persons a death (殡葬) signal, or a life signal dated after one, flagged for the
 * agency (signal_reviews). While a flag is open, a face certification of the person never passes by
 * itself (it goes to 人工审核). The admin closes a flag once the agency has found the person alive, in
 * person or by video; the suspension stays until the person certifies (or a clerk records it). A
 * death the agency confirms is handled in the benefit system: its flag stays open.
 */
import * as v from 'valibot'
import { agencyEndpoints } from './define'
import { OFFLINE_VERIFIED_HOW } from './offline'
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

export const SIGNAL_REVIEW_REASONS = ['death', 'conflict'] as const
export type SignalReviewReason = (typeof SIGNAL_REVIEW_REASONS)[number]
export const SIGNAL_REVIEW_REASON_LABELS: Record<SignalReviewReason, string> = {
  death: '死亡信息',
  conflict: '死亡后仍有活动记录',
}

export const SignalReviewItemSchema = v.object({
  reviewId: v.string(),
  personId: v.string(),
  personNo: v.string(),
  maskedName: v.string(),
  reason: v.picklist(SIGNAL_REVIEW_REASONS),
  reasonLabel: v.string(),
  /** The department whose signal flagged the person, and the date it gives. */
  source: v.string(),
  sourceLabel: v.string(),
  occurredOn: v.string(),
  flaggedAt: v.string(),
  /** The newest passed certification on or after occurredOn (seen alive since), or null. */
  passedSince: v.nullable(v.object({ certifiedAt: v.string(), methodLabel: v.string() })),
})
export type SignalReviewItem = v.InferOutput<typeof SignalReviewItemSchema>

export const SignalReviewsSchema = v.object({
  /** Open flags in the actor's region, oldest first (at most SIGNAL_REVIEWS_PAGE). */
  items: v.array(SignalReviewItemSchema),
  openTotal: v.number(),
})
export type SignalReviews = v.InferOutput<typeof SignalReviewsSchema>
export const SIGNAL_REVIEWS_PAGE = 200

/** How the agency found the person alive (the same list as an offline certification's). */
export const SignalReviewCloseInputSchema = v.object({
  verifiedHow: v.picklist(OFFLINE_VERIFIED_HOW, 'AGENCY_SIGNAL_REVIEW_HOW_INVALID'),
})
export type SignalReviewCloseInput = v.InferOutput<typeof SignalReviewCloseInputSchema>

const ReviewIdParams = v.object({ reviewId: v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{1,64}$/, 'AGENCY_SIGNAL_REVIEW_NOT_FOUND')) })

const UploadIdParams = v.object({ uploadId: v.pipe(v.string(), v.regex(/^[0-9a-f-]{36}$/, 'AGENCY_SIGNALS_UPLOAD_NOT_FOUND')) })
const ADMIN = ['admin'] as const

export const SIGNALS_ENDPOINTS = agencyEndpoints({
  /** Body: the CSV bytes (text/csv or application/octet-stream); header X-Filename: the URI-encoded file name. */
  signalsUploadCreate: { method: 'POST', path: '/signals/uploads', roles: ADMIN, answer: SignalsUploadViewSchema },
  signalsUploadStatus: { method: 'GET', path: '/signals/uploads/:uploadId', roles: ADMIN, params: UploadIdParams, answer: SignalsUploadViewSchema },
  signalsUploadReport: { method: 'GET', path: '/signals/uploads/:uploadId/report', roles: ADMIN, params: UploadIdParams, answer: 'file' },
  signalsUploadConfirm: { method: 'POST', path: '/signals/uploads/:uploadId/confirm', roles: ADMIN, params: UploadIdParams, input: v.object({}), answer: SignalsUploadViewSchema },
  signalReviews: { method: 'GET', path: '/signals/reviews', roles: ADMIN, answer: SignalReviewsSchema },
  signalReviewClose: { method: 'POST', path: '/signals/reviews/:reviewId/close', roles: ADMIN, params: ReviewIdParams, input: SignalReviewCloseInputSchema, answer: SignalReviewItemSchema },
})
