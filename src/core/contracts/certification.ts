/**
 * Certification sessions: 开始认证 (the backend picks the challenge) → the camera runs the liveness
 * engine → 完成认证 (the backend replays the observation summary, verifies identity and writes the
 * record). Shared by the mini-program, the cloud functions and the backend (docs/backend-api.md).
 *
 * Issue messages in these schemas are error codes (src/core/errors.ts), as elsewhere in contracts.
 */
import * as v from 'valibot'
import { DEFAULT_SESSION_CONFIG, type SessionConfigInput } from '../liveness/session/config'
import { FAIL_TEXTS, type FailReason } from '../liveness/session/texts'
import { SUMMARY_FIELDS, SUMMARY_VERSIONS } from '../liveness/summary'
import { ACTION_NAMES } from '../liveness/types'
import type { ErrorCode } from '../errors'
import { CallerSchema, RECORD_RESULTS } from './common'
import { NOTICE_CODE_PATTERN } from './notices'
import { SHARE_TOKEN_PATTERN } from './share'
import { MemberRefSchema } from './unit-admin'

/** Where a certification runs: the mini-program or the browser (H5). */
export const CERT_CHANNELS = ['weapp', 'h5'] as const
export type CertChannel = (typeof CERT_CHANNELS)[number]
export const CertChannelSchema = v.picklist(CERT_CHANNELS)

/** Who performs a certification for the subject: 本人 now; relatives and unit administrators later. */
export const SESSION_PERFORMERS = ['self', 'relative', 'unit_admin'] as const
export type SessionPerformer = (typeof SESSION_PERFORMERS)[number]

/**
 * Evidence frames: one neutral frame when positioning ends plus one per challenged action (taken at
 * the action's peak), so at most 1 + the six actions; each at most this many base64 characters
 * (≈ 300 KB of JPEG). A session asks for 1 + its challenge length (`evidenceFrames`).
 */
export const EVIDENCE_MAX_FRAMES = 7
export const EVIDENCE_FRAME_MAX_CHARS = 400_000
/** An action's evidence frame must be within this of the action's peak (ActionEvent.peakMs), in ms. */
export const EVIDENCE_PEAK_TOLERANCE_MS = 300
/** `step` of the neutral evidence frame (taken when positioning ends); actions are 0, 1, … in challenge order. */
export const EVIDENCE_NEUTRAL_STEP = -1
/** Frames in one observation summary (3 minutes at 60 fps with room to spare). */
export const SUMMARY_MAX_FRAMES = 20_000

/**
 * The engine timing both sides use. The backend sends the values it will replay with in every
 * session (`livenessConfig`); the client passes them to LivenessEngine unchanged. These are the
 * defaults (the engine's own), overridable on the backend by LIVENESS_* environment variables.
 */
export interface LivenessTimingConfig {
  positioningTimeoutMs: number
  actionTimeoutMs: number
  actionRetries: number
  totalTimeoutMs: number
}

export const DEFAULT_LIVENESS_TIMING: Readonly<LivenessTimingConfig> = Object.freeze({
  positioningTimeoutMs: DEFAULT_SESSION_CONFIG.positioningTimeoutMs,
  actionTimeoutMs: DEFAULT_SESSION_CONFIG.actionTimeoutMs,
  actionRetries: DEFAULT_SESSION_CONFIG.actionRetries,
  totalTimeoutMs: DEFAULT_SESSION_CONFIG.totalTimeoutMs,
})

/** The engine configuration for a session's timing: what the client runs and the backend replays. */
export function livenessEngineConfig(timing: LivenessTimingConfig = DEFAULT_LIVENESS_TIMING): SessionConfigInput {
  return {
    positioningTimeoutMs: timing.positioningTimeoutMs,
    actionTimeoutMs: timing.actionTimeoutMs,
    actionRetries: timing.actionRetries,
    totalTimeoutMs: timing.totalTimeoutMs,
  }
}

export const FAIL_REASONS = Object.keys(FAIL_TEXTS) as FailReason[]

/** Why the identity check refused (mirrors IdentityRejectReason of server/identity/port.ts). */
export const IDENTITY_FAIL_TEXTS = {
  face_mismatch: '人脸与登记照片不一致，请本人再试一次',
  no_face: '没有看清人脸，请在光线充足的地方再试一次',
  no_reference: '还没有您的登记照片，请联系社保经办机构，或到窗口认证',
  wechat_not_passed: '微信人脸核身没有通过，请再试一次',
  wechat_user_cancelled: '微信人脸核身没有完成，请再试一次',
} as const
export type IdentityFailReason = keyof typeof IDENTITY_FAIL_TEXTS

/** Every reason a certification did not pass, in plain Chinese. */
export type CertReasonCode = FailReason | IdentityFailReason
export const CERT_REASON_TEXTS: Readonly<Record<CertReasonCode, string>> = { ...FAIL_TEXTS, ...IDENTITY_FAIL_TEXTS }

// ───────────── sessions in plain words for agency clerks (the console's person page) ─────────────

/**
 * Where a session stands, as a clerk reads it (sessionStateOf): open and still running, open past
 * its expiry, completed (passed or waiting for 人工审核), completed without passing (a reason code),
 * closed by the person (rejected with SESSION_CANCELLED: 已取消, nothing counted against them), or
 * refused by the backend (rejected with another code, e.g. reused or implausible data).
 */
export const SESSION_STATES = ['open', 'expired', 'completed', 'failed', 'cancelled', 'refused'] as const
export type SessionState = (typeof SESSION_STATES)[number]
export const SESSION_STATE_LABELS: Record<SessionState, string> = {
  open: '进行中',
  expired: '已超时',
  completed: '已完成',
  failed: '未通过',
  cancelled: '已取消',
  refused: '被拒绝',
}

/** The stored columns of a certification_sessions row that decide its state. */
export interface SessionStateFacts {
  status: string
  reasonCode: string | null
  rejectedCode: string | null
  expiresAt: string
}

export function sessionStateOf(s: SessionStateFacts, nowMs: number): SessionState {
  if (s.status === 'completed') return s.reasonCode ? 'failed' : 'completed'
  if (s.status === 'rejected') return s.rejectedCode === 'SESSION_CANCELLED' ? 'cancelled' : 'refused'
  return nowMs > Date.parse(s.expiresAt) ? 'expired' : 'open'
}

/** The identity verifier a session ran with (certification_sessions.identity_kind; IdentityVerifier.kind). */
export const IDENTITY_KINDS = ['wechat-facial-verify', 'local-face-match', 'manual-review'] as const
export type IdentityKind = (typeof IDENTITY_KINDS)[number]
export const IDENTITY_KIND_LABELS: Record<IdentityKind, string> = {
  'wechat-facial-verify': '微信人脸核身',
  'local-face-match': '本地人脸比对',
  'manual-review': '人工审核',
}

/** Why a completed session did not pass (certification_sessions.reason_code), short, for a clerk. */
export const CERT_REASON_LABELS: Record<CertReasonCode, string> = {
  timeout: '超时，没有做完动作',
  face_lost: '中途看不到人脸',
  multiple_faces: '画面里有多个人',
  out_of_order: '动作与提示不一致',
  no_liveness: '没有检测到动作',
  incomplete: '检测没有完成',
  face_mismatch: '人脸与登记照片不一致',
  no_face: '没有看清人脸',
  no_reference: '没有登记照片',
  wechat_not_passed: '微信人脸核身没有通过',
  wechat_user_cancelled: '微信人脸核身没有完成',
}

/**
 * The codes a session is closed with as 'rejected' (certification_sessions.rejected_code): the person
 * cancelled it, or the backend refused the completion. Every one is an error code (src/core/errors.ts).
 */
export const SESSION_REJECTED_CODES = [
  'SESSION_CANCELLED',
  'IDENTITY_NOT_COMPLETED',
  'UNIT_ADMIN_NOT_APPOINTED',
  'TRACE_IMPLAUSIBLE',
  'TRACE_REUSED',
  'LIVENESS_MISMATCH',
  'EVIDENCE_MISMATCH',
] as const satisfies readonly ErrorCode[]
export type SessionRejectedCode = (typeof SESSION_REJECTED_CODES)[number]
export const SESSION_REJECTED_LABELS: Record<SessionRejectedCode, string> = {
  SESSION_CANCELLED: '本人中途退出',
  IDENTITY_NOT_COMPLETED: '微信人脸核身没有完成',
  UNIT_ADMIN_NOT_APPOINTED: '单位专管员任命已撤销或到期',
  TRACE_IMPLAUSIBLE: '动作数据有误',
  TRACE_REUSED: '动作数据重复使用',
  LIVENESS_MISMATCH: '动作核对不一致',
  EVIDENCE_MISMATCH: '照片与动作对不上',
}

const NONCE_PATTERN = /^[A-Za-z0-9_-]{16,64}$/
/** Standard base64 of a JPEG (FF D8 FF → "/9j/"), no data: prefix. */
const JPEG_BASE64_PATTERN = /^\/9j\/[A-Za-z0-9+/]*={0,2}$/

export const ObservationSummarySchema = v.object(
  {
    v: v.picklist(SUMMARY_VERSIONS, 'TRACE_IMPLAUSIBLE'),
    layout: v.pipe(v.string('TRACE_IMPLAUSIBLE'), v.minLength(1, 'TRACE_IMPLAUSIBLE'), v.maxLength(40, 'TRACE_IMPLAUSIBLE')),
    n: v.pipe(v.number('TRACE_IMPLAUSIBLE'), v.integer('TRACE_IMPLAUSIBLE'), v.minValue(1, 'TRACE_IMPLAUSIBLE'), v.maxValue(SUMMARY_MAX_FRAMES, 'TRACE_IMPLAUSIBLE')),
    data: v.pipe(
      v.array(v.nullable(v.pipe(v.number('TRACE_IMPLAUSIBLE'), v.safeInteger('TRACE_IMPLAUSIBLE'))), 'TRACE_IMPLAUSIBLE'),
      v.maxLength(SUMMARY_MAX_FRAMES * SUMMARY_FIELDS.length, 'TRACE_IMPLAUSIBLE'),
    ),
  },
  'TRACE_IMPLAUSIBLE',
)

export const ClientVerdictSchema = v.object({
  passed: v.boolean(),
  reason: v.optional(v.nullable(v.picklist(FAIL_REASONS))),
  /** The challenged action the session was waiting for when it failed (the answer then says which and what to try). */
  missedAction: v.optional(v.nullable(v.picklist(ACTION_NAMES))),
})
export type ClientVerdict = v.InferOutput<typeof ClientVerdictSchema>

/**
 * Which moment an evidence frame shows: `t` on the session's time axis (the same milliseconds as the
 * observation summary's frames) and `step` (EVIDENCE_NEUTRAL_STEP for the neutral frame, else the
 * index of the challenged action whose peak it shows). `moments[i]` describes `frames[i]`.
 */
export const EvidenceMomentSchema = v.object({
  t: v.pipe(v.number(), v.safeInteger(), v.minValue(0)),
  step: v.pipe(v.number(), v.integer(), v.minValue(EVIDENCE_NEUTRAL_STEP), v.maxValue(EVIDENCE_MAX_FRAMES - 2)),
})
export type EvidenceMoment = v.InferOutput<typeof EvidenceMomentSchema>

export const EvidenceSchema = v.object({
  moments: v.optional(v.pipe(v.array(EvidenceMomentSchema), v.maxLength(EVIDENCE_MAX_FRAMES, 'PAYLOAD_TOO_LARGE'))),
  frames: v.optional(
    v.pipe(
      v.array(
        v.pipe(
          v.string(),
          v.maxLength(EVIDENCE_FRAME_MAX_CHARS, 'PAYLOAD_TOO_LARGE'),
          v.regex(JPEG_BASE64_PATTERN),
        ),
      ),
      v.maxLength(EVIDENCE_MAX_FRAMES, 'PAYLOAD_TOO_LARGE'),
    ),
  ),
})

/** Cloud function `startCertification` event (the channel comes from the platform, not the client). */
export const StartCertificationEventSchema = v.pipe(
  v.object({
    /** Whom to certify; absent = the caller's bound 本人. Only the bound person's own id is accepted (ids are never handed out). */
    subjectPersonId: v.optional(v.pipe(v.string(), v.uuid())),
    /** 代他人认证: a linked relative (its opaque id from the 家人 list). */
    relativeId: v.optional(v.pipe(v.string('RELATIVE_NOT_FOUND'), v.uuid('RELATIVE_NOT_FOUND'))),
    /** A share card's token: the opener certifies the person it was sent for. */
    shareToken: v.optional(v.pipe(v.string('SHARE_INVALID'), v.trim(), v.regex(SHARE_TOKEN_PATTERN, 'SHARE_INVALID'))),
    /** A printed notice's code (from the scene n=<code>). */
    noticeCode: v.optional(v.pipe(v.string('NOTICE_INVALID'), v.trim(), v.regex(NOTICE_CODE_PATTERN, 'NOTICE_INVALID'))),
    /** 单位专管员: a member of the caller's unit (its opaque ref from the 单位认证 list). */
    unitMemberRef: v.optional(MemberRefSchema),
  }),
  v.check(
    (e) => [e.subjectPersonId, e.relativeId, e.shareToken, e.noticeCode, e.unitMemberRef].filter((x) => x !== undefined).length <= 1,
    'VALIDATION_FAILED',
  ),
)
export type StartCertificationEvent = v.InferOutput<typeof StartCertificationEventSchema>

/** Cloud function `completeCertification` event. */
export const CompleteCertificationEventSchema = v.object({
  sessionId: v.pipe(v.string(), v.uuid()),
  nonce: v.pipe(v.string(), v.regex(NONCE_PATTERN)),
  verdict: ClientVerdictSchema,
  summary: ObservationSummarySchema,
  evidence: v.optional(EvidenceSchema),
})
export type CompleteCertificationEvent = v.InferOutput<typeof CompleteCertificationEventSchema>

/**
 * Why the phone closes its own open session (cancelCertification): WeChat 人脸核身 did not finish,
 * the camera page was left before a result, or 再试一次 / 重新开始 replaced it with a new session.
 */
export const CANCEL_REASONS = ['identity_not_completed', 'left_page', 'restarted'] as const
export type CancelReason = (typeof CANCEL_REASONS)[number]

/**
 * Cloud function `cancelCertification` event: the session and the nonce its start answered (only the
 * phone that started it has the nonce, as for 完成认证).
 */
export const CancelCertificationEventSchema = v.object({
  sessionId: v.pipe(v.string(), v.uuid()),
  nonce: v.pipe(v.string(), v.regex(NONCE_PATTERN)),
  reason: v.picklist(CANCEL_REASONS),
})
export type CancelCertificationEvent = v.InferOutput<typeof CancelCertificationEventSchema>

/** Backend request bodies. */
export const BackendStartCertificationSchema = v.pipe(
  v.object({
    caller: CallerSchema,
    channel: CertChannelSchema,
    ...StartCertificationEventSchema.pipe[0].entries,
  }),
  v.check(
    (e) => [e.subjectPersonId, e.relativeId, e.shareToken, e.noticeCode, e.unitMemberRef].filter((x) => x !== undefined).length <= 1,
    'VALIDATION_FAILED',
  ),
)
export type BackendStartCertification = v.InferOutput<typeof BackendStartCertificationSchema>
export const BackendCompleteCertificationSchema = v.object({ caller: CallerSchema, ...CompleteCertificationEventSchema.entries })
export type BackendCompleteCertification = v.InferOutput<typeof BackendCompleteCertificationSchema>
export const BackendCancelCertificationSchema = v.object({ caller: CallerSchema, ...CancelCertificationEventSchema.entries })
export type BackendCancelCertification = v.InferOutput<typeof BackendCancelCertificationSchema>

/** What the phone must do for identity before or with the camera step (see server/identity/port.ts). */
export const IdentityStepViewSchema = v.variant('kind', [v.object({ kind: v.literal('none') }), v.object({ kind: v.literal('wechat-facial-verify'), verifyId: v.string() })])
export type IdentityStepView = v.InferOutput<typeof IdentityStepViewSchema>

const LivenessTimingConfigSchema = v.object({
  positioningTimeoutMs: v.number(),
  actionTimeoutMs: v.number(),
  actionRetries: v.number(),
  totalTimeoutMs: v.number(),
})

/** Answer of 开始认证. */
export const CertificationSessionViewSchema = v.object({
  sessionId: v.string(),
  /** Send back unchanged with 完成认证. */
  nonce: v.string(),
  /** The actions, in this order. */
  challenge: v.array(v.picklist(ACTION_NAMES)),
  /** ISO timestamp; completing after it → SESSION_EXPIRED. */
  expiresAt: v.string(),
  identityStep: IdentityStepViewSchema,
  /**
   * How many evidence frames to send with 完成认证 (0: none; keep them on the phone): 1 + the
   * challenge length — a neutral frame when positioning ends, then one at each action's peak, each
   * with its moment (evidence.moments).
   */
  evidenceFrames: v.number(),
  /** Engine timing the backend replays with; pass it to the engine (livenessEngineConfig). */
  livenessConfig: v.optional(LivenessTimingConfigSchema),
})
export type CertificationSessionView = v.InferOutput<typeof CertificationSessionViewSchema>

/** Where a session stands after cancelCertification. */
export const SESSION_CANCEL_STATES = ['cancelled', 'completed', 'refused', 'expired'] as const
export type SessionCancelState = (typeof SESSION_CANCEL_STATES)[number]

/**
 * Answer of cancelCertification: the session's state now (cancelled; or already completed, refused or
 * expired — then left exactly as it was) and whether THIS call closed it.
 */
export const CancelledViewSchema = v.object({ state: v.picklist(SESSION_CANCEL_STATES), changed: v.boolean() })
export type CancelledView = v.InferOutput<typeof CancelledViewSchema>

export const ReinstatementViewSchema = v.object({
  /** 次月恢复发放, e.g. 2026年12月 */
  resumeMonthLabel: v.string(),
  /** How many withheld months are paid back (补发). */
  backPaidMonths: v.number(),
})
export type ReinstatementView = v.InferOutput<typeof ReinstatementViewSchema>

export const RESULT_RECORDS_OF = ['self', 'relative', 'none'] as const
export type ResultRecordsOf = (typeof RESULT_RECORDS_OF)[number]

/** Answer of 完成认证 (the same answer again when the same session is completed twice). */
export const CertificationResultViewSchema = v.object({
  recordId: v.string(),
  result: v.picklist(RECORD_RESULTS),
  resultLabel: v.string(),
  reasonCode: v.optional(v.picklist(Object.keys(CERT_REASON_TEXTS) as CertReasonCode[])),
  reasonText: v.optional(v.string()),
  /**
   * After a pass, or a failed retry of a person already certified this cycle (then unchanged): first
   * day of the next due month (YYYY-MM-DD), its label, and the deadline as a day (2027年11月30日).
   */
  nextDueDate: v.optional(v.string()),
  nextDueMonthLabel: v.optional(v.string()),
  nextDueDeadlineLabel: v.optional(v.string()),
  reinstatement: v.optional(ReinstatementViewSchema),
  /** Failed certifications of this person today (Beijing time), this one included. */
  failuresToday: v.number(),
  /** Whose certification it was, masked (张*华). Absent only in answers stored before it existed. */
  maskedName: v.optional(v.string()),
  /**
   * The person was already certified for the current cycle before this attempt (a voluntary
   * retry): a failure leaves their certification and pension as they were.
   */
  alreadyCertified: v.optional(v.boolean()),
  /**
   * Where the caller finds this person's records: their own 认证记录 ('self'), the 家人 link's
   * records ('relative', with relativeId), or nowhere, e.g. a parent who came from a share card or a
   * notice without binding ('none').
   */
  recordsOf: v.optional(v.picklist(RESULT_RECORDS_OF)),
  relativeId: v.optional(v.string()),
})
export type CertificationResultView = v.InferOutput<typeof CertificationResultViewSchema>
