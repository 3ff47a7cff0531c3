/**
 * IdentityVerifier: action liveness proves a live person, not *which* person. This port answers
 * the second question. Adapters (chosen by IDENTITY_VERIFIER):
 *  - wechat-facial-verify: WeChat 人脸核身 2.0 (getverifyid → wx.requestFacialVerify on the phone →
 *    queryverifyinfo); pass only when errcode is 0 and verify_ret is 10000.
 *  - local-face-match: an enrolled reference photo of the person against evidence frames, by face
 *    embedding (@vladmandic/human in Node, bundled models).
 *  - manual-review: nothing automatic; the record waits for an agency decision.
 */

import type { ReviewHoldReason } from '../../src/core/contracts/agency/review'
import type { IdentityKind } from '../../src/core/contracts/certification'

/** Who is being verified for which certification session. Personal data is decrypted by the caller. */
export interface IdentitySubject {
  personId: string
  sessionId: string
  /** Platform identity of the phone that runs the check (WeChat requires it to match). */
  openid: string
  /** Needed by WeChat (cert_info); never logged. */
  name: string
  idNumber: string
}

/** What the phone must do before/with the camera step, returned to the client at session start. */
export type IdentityClientStep =
  | { kind: 'none' }
  | { kind: 'wechat-facial-verify'; verifyId: string }

export interface IdentityEvidence {
  /** JPEG frames as base64 (no data: prefix), a few key frames from the liveness session. */
  frames?: string[]
}

export type IdentityOutcome =
  | { outcome: 'verified'; score?: number }
  | { outcome: 'rejected'; reason: IdentityRejectReason; score?: number }
  /** The verifier cannot decide: the record waits for the agency (why, in the reviewer's words: REVIEW_HOLD_REASON_LABELS). */
  | { outcome: 'pending_review'; reason: IdentityHoldReason }
  /** The verifier itself could not answer (WeChat down, model failed): not the person's fault. */
  | { outcome: 'unavailable' }

export type IdentityHoldReason = Exclude<ReviewHoldReason, 'death_report_open'>

export type IdentityRejectReason = 'face_mismatch' | 'no_face' | 'no_reference' | 'wechat_not_passed' | 'wechat_user_cancelled'

export interface IdentityVerifier {
  readonly kind: IdentityKind
  /** Whether the client must upload evidence frames for this adapter. */
  readonly needsEvidenceFrames: boolean
  /** Called once when a certification session starts. Idempotent per sessionId. */
  prepare(subject: IdentitySubject): Promise<IdentityClientStep>
  /** Called once when the session completes, after liveness has passed. */
  verify(subject: IdentitySubject, evidence: IdentityEvidence): Promise<IdentityOutcome>
}
