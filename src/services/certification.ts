/**
 * 开始认证 / 完成认证 through the cloud functions (callFunction picks the transport). Both return a
 * typed Result and never throw. completeCertification is idempotent on the backend (the same session
 * completed twice answers the same record), so a caller may resend the SAME event after a network
 * failure; it must never start a new session for that.
 */
import Taro from '@tarojs/taro'
import type { CancelCertificationEvent, CancelledView, CertificationResultView, CertificationSessionView, CompleteCertificationEvent, IdentityStepView } from '@/core/contracts/certification'
import type { ErrorCode, Result } from '@/core/errors'
import { callFunction } from './call-function'
import { currentPlatform } from './platform'

export function startCertification(): Promise<Result<CertificationSessionView>> {
  return callFunction('startCertification', {})
}

export function completeCertification(event: CompleteCertificationEvent): Promise<Result<CertificationResultView>> {
  return callFunction('completeCertification', event)
}

/**
 * Closes this phone's own open session (人脸核身 not finished, page left, a new try), so it no longer
 * takes one of the account's open-session places. Best effort: the flow neither waits for nor reads
 * the answer (a failure only means the session stays open until it expires).
 */
export function cancelCertification(event: CancelCertificationEvent): Promise<Result<CancelledView>> {
  return callFunction('cancelCertification', event)
}

/**
 * Failures after which the same completion may simply be sent again: the request may not have
 * reached the backend, or the backend kept the session open (identity verifier down, 503).
 */
const RETRYABLE: ReadonlySet<ErrorCode> = new Set<ErrorCode>(['SERVICE_UNAVAILABLE', 'NETWORK_ERROR', 'INTERNAL', 'RATE_LIMITED', 'REQUEST_STALE'])

export function isRetryableFailure(code: ErrorCode): boolean {
  return RETRYABLE.has(code)
}

/**
 * How the phone's identity step ended: `done` (nothing to do, or WeChat's 人脸核身 screen finished:
 * the backend's queryverifyinfo decides whether it passed), `not_completed` (WeChat answered fail:
 * cancelled, no permission, network … — its fail errCodes are not documented, so none is told apart),
 * `unsupported` (no wx.requestFacialVerify: base library below 3.8.12).
 */
export type IdentityStepOutcome = 'done' | 'not_completed' | 'unsupported'

/**
 * The identity step the backend asked for before the camera. weapp + `wechat-facial-verify`:
 * wx.requestFacialVerify({verifyId}) (人脸核身 2.0, base library 3.8.12). Success only means WeChat's
 * screen finished (errCode 0, "需要通过 queryVerifyInfo 查询真实验证结果"): the backend asks WeChat
 * before it writes a pass. A fail cannot pass either, so the flow stops there and says so kindly,
 * instead of having the person do the camera actions for nothing.
 */
export function runIdentityStep(step: IdentityStepView): Promise<IdentityStepOutcome> {
  if (step.kind !== 'wechat-facial-verify' || currentPlatform() !== 'weapp') return Promise.resolve('done')
  return new Promise((resolve) => {
    const t = Taro as unknown as { requestFacialVerify?: (o: { verifyId: string; success(): void; fail(): void }) => void }
    if (typeof t.requestFacialVerify !== 'function') return resolve('unsupported')
    try {
      t.requestFacialVerify({ verifyId: step.verifyId, success: () => resolve('done'), fail: () => resolve('not_completed') })
    } catch {
      resolve('not_completed')
    }
  })
}
