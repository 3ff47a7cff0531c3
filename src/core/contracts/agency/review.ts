/**
 * 人工审核: the queue of records waiting for an agency decision (oldest first), one record's
 * detail (reference photo, evidence frames, liveness verdict) and the decision itself.
 */
import * as v from 'valibot'
import { PERFORMERS, RECORD_CHANNELS, RECORD_FACT_ENTRIES, RECORD_RESULTS } from '../common'
import { agencyEndpoints, REVIEW_ROLES } from './define'

/** Why a reviewer rejects a record: a fixed list (stored as the code, shown with the label). */
export const REVIEW_REJECT_REASONS = ['face_mismatch', 'photo_unclear', 'not_the_person', 'other'] as const
export type ReviewRejectReason = (typeof REVIEW_REJECT_REASONS)[number]
export const REVIEW_REJECT_REASON_LABELS: Record<ReviewRejectReason, string> = {
  face_mismatch: '人脸与登记照片不符',
  photo_unclear: '照片模糊无法辨认',
  not_the_person: '非本人操作',
  other: '其他',
}
/**
 * Why a certification whose liveness passed went to 人工审核 instead of being decided by itself: the
 * identity check could not decide (the first four), or a death report on file holds it (冒领 risk).
 * Recorded in the completion's audit row; the reviewer reads it as 转人工原因.
 */
export const REVIEW_HOLD_REASONS = ['agency_policy', 'no_reference', 'reference_outdated', 'frames_not_sent', 'death_report_open'] as const
export type ReviewHoldReason = (typeof REVIEW_HOLD_REASONS)[number]
export const REVIEW_HOLD_REASON_LABELS: Record<ReviewHoldReason, string> = {
  agency_policy: '本机构设定：刷脸认证一律人工审核',
  no_reference: '此人未登记人脸特征，无法自动比对',
  reference_outdated: '登记的人脸特征来自旧版比对模型，无法自动比对（请为此人重新登记）',
  frames_not_sent: '本次认证没有上传现场画面，无法自动比对',
  death_report_open: '此人有未核实的死亡信息，需确认是本人认证（防冒领）',
}
/** The same, short, for a column of the review queue. */
export const REVIEW_HOLD_REASON_SHORT_LABELS: Record<ReviewHoldReason, string> = {
  agency_policy: '机构设定人工审核',
  no_reference: '未登记人脸特征',
  reference_outdated: '人脸特征需重新登记',
  frames_not_sent: '未上传现场画面',
  death_report_open: '有未核实的死亡信息',
}
export const isReviewHoldReason = (x: unknown): x is ReviewHoldReason => typeof x === 'string' && (REVIEW_HOLD_REASONS as readonly string[]).includes(x)

/** What a rejected person is told to do next (mini-program records, result notice). */
export const REJECTED_NEXT_STEP = '请重新刷脸认证或到社保经办机构办理'

export const REVIEW_NOTE_MAX = 200
const NoteSchema = v.optional(v.pipe(v.string(), v.trim(), v.maxLength(REVIEW_NOTE_MAX, 'AGENCY_REVIEW_NOTE_TOO_LONG')))

const RecordIdParams = v.object({ recordId: v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{1,64}$/, 'AGENCY_OUT_OF_SCOPE')) })

export const ReviewQueueQuerySchema = v.object({
  /** Opaque cursor from the previous page's `next`. */
  after: v.optional(v.pipe(v.string(), v.maxLength(200, 'VALIDATION_FAILED'))),
  limit: v.optional(v.pipe(v.string(), v.regex(/^\d{1,3}$/, 'VALIDATION_FAILED'), v.transform(Number), v.minValue(1, 'VALIDATION_FAILED'), v.maxValue(100, 'VALIDATION_FAILED'))),
})

export const ReviewQueueItemSchema = v.object({
  recordId: v.string(),
  personId: v.string(),
  maskedName: v.string(),
  personNo: v.string(),
  channel: v.picklist(RECORD_CHANNELS),
  channelLabel: v.string(),
  performedBy: v.picklist(PERFORMERS),
  performerLabel: v.string(),
  /** ISO instant the person did the certification. */
  certifiedAt: v.string(),
  /** Whole days since then (Beijing calendar days). */
  waitingDays: v.number(),
  /** A death report on the person is open now: a passing face may be someone else's (冒领). */
  deathReportOpen: v.boolean(),
  /** Why it came to review, as the completion recorded it (null: not recorded, e.g. older records). */
  holdReason: v.nullable(v.picklist(REVIEW_HOLD_REASONS)),
  holdReasonLabel: v.nullable(v.string()),
})
export type ReviewQueueItem = v.InferOutput<typeof ReviewQueueItemSchema>

export const ReviewQueueSchema = v.object({
  items: v.array(ReviewQueueItemSchema),
  /** Cursor for the next page; null on the last. */
  next: v.nullable(v.string()),
  /** Pending records in the actor's region. */
  pendingTotal: v.number(),
})
export type ReviewQueue = v.InferOutput<typeof ReviewQueueSchema>

export const DecisionViewSchema = v.object({
  decidedAt: v.string(),
  decidedBy: v.string(),
  reason: v.nullable(v.picklist(REVIEW_REJECT_REASONS)),
  reasonLabel: v.nullable(v.string()),
  note: v.nullable(v.string()),
})

export const ReviewDetailSchema = v.object({
  record: v.object({
    recordId: v.string(),
    ...RECORD_FACT_ENTRIES,
    performerLabel: v.string(),
    performerRelation: v.nullable(v.string()),
    via: v.nullable(v.string()),
    waitingDays: v.number(),
    decision: v.nullable(DecisionViewSchema),
  }),
  person: v.object({
    personId: v.string(),
    personNo: v.string(),
    maskedName: v.string(),
    maskedIdNumber: v.string(),
    regionCode: v.string(),
    insuranceLabel: v.string(),
    benefitStatus: v.picklist(['normal', 'suspended']),
    /** A death report on the person is open now (it may have come after the certification). */
    deathReportOpen: v.boolean(),
  }),
  /** The enrolled reference: only an encrypted face embedding is kept, never the photo. */
  reference: v.object({
    enrolled: v.boolean(),
    photoStored: v.boolean(),
    /** The photo as a data: URL when the deployment stores one; null here (it never does). */
    photo: v.nullable(v.string()),
    enrolledAt: v.nullable(v.string()),
    model: v.nullable(v.string()),
    note: v.string(),
  }),
  /** The frames taken during the certification: this deployment does not keep them. */
  evidence: v.object({
    framesStored: v.boolean(),
    frames: v.array(v.string()),
    note: v.string(),
  }),
  /** The certification session behind the record (null for a record without one). */
  session: v.nullable(
    v.object({
      sessionId: v.string(),
      status: v.string(),
      channel: v.string(),
      identityKind: v.string(),
      identityKindLabel: v.string(),
      challenge: v.array(v.string()),
      createdAt: v.string(),
      completedAt: v.nullable(v.string()),
      /**
       * Why it was not decided automatically: the engine's or the identity check's reason code of a
       * failure, or the hold reason (REVIEW_HOLD_REASONS) of a record sent to review; null when none
       * was recorded.
       */
      reasonCode: v.nullable(v.string()),
      /** The reason in words (CERT_REASON_LABELS or REVIEW_HOLD_REASON_LABELS), null when there is none. */
      reasonLabel: v.nullable(v.string()),
      /** The liveness engine's verdict on the backend replay, from the completion's audit row. */
      liveness: v.object({
        passed: v.nullable(v.boolean()),
        evidence: v.nullable(v.string()),
        identityScore: v.nullable(v.number()),
        closestEarlierSummary: v.nullable(v.number()),
        summary: v.string(),
      }),
    }),
  ),
})
export type ReviewDetail = v.InferOutput<typeof ReviewDetailSchema>

export const ApproveInputSchema = v.object({ note: NoteSchema })
/** The object's message covers the one required key left out (valibot reports a missing key on the object). */
export const RejectInputSchema = v.object(
  {
    reason: v.picklist(REVIEW_REJECT_REASONS, 'AGENCY_REVIEW_REASON_REQUIRED'),
    note: NoteSchema,
  },
  'AGENCY_REVIEW_REASON_REQUIRED',
)

export const DecisionAnswerSchema = v.object({
  recordId: v.string(),
  result: v.picklist(RECORD_RESULTS),
  resultLabel: v.string(),
  decidedAt: v.string(),
  /** Approval: the person's next due date (first day of the due month). */
  nextDueDate: v.optional(v.string()),
})
export type DecisionAnswer = v.InferOutput<typeof DecisionAnswerSchema>

export const REVIEW_ENDPOINTS = agencyEndpoints({
  reviewQueue: { method: 'GET', path: '/reviews', roles: REVIEW_ROLES, input: ReviewQueueQuerySchema, answer: ReviewQueueSchema },
  reviewDetail: { method: 'GET', path: '/reviews/:recordId', roles: REVIEW_ROLES, params: RecordIdParams, answer: ReviewDetailSchema },
  reviewApprove: { method: 'POST', path: '/reviews/:recordId/approve', roles: REVIEW_ROLES, params: RecordIdParams, input: ApproveInputSchema, answer: DecisionAnswerSchema },
  reviewReject: { method: 'POST', path: '/reviews/:recordId/reject', roles: REVIEW_ROLES, params: RecordIdParams, input: RejectInputSchema, answer: DecisionAnswerSchema },
})
