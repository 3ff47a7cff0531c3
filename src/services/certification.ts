/**
 * 开始认证 / 完成认证 through the cloud functions (callFunction picks the transport). Both return a
 * typed Result and never throw. completeCertification is idempotent on the backend (the same session
 * completed twice answers the same record), so a caller may resend the SAME event after a network
 * failure; it must never start a new session for that.
 */
import Taro from '@tarojs/taro'
import type { CertificationResultView, CertificationSessionView, CompleteCertificationEvent, IdentityStepView } from '@/core/contracts/certification'
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
 * Failures after which the same completion may simply be sent again: the request may not have
 * reached the backend, or the backend kept the session open (identity verifier down, 503).
 */
const RETRYABLE: ReadonlySet<ErrorCode> = new Set<ErrorCode>(['SERVICE_UNAVAILABLE', 'NETWORK_ERROR', 'INTERNAL', 'RATE_LIMITED', 'REQUEST_STALE'])

export function isRetryableFailure(code: ErrorCode): boolean {
  return RETRYABLE.has(code)
}

/**
 * The identity step the backend asked for before the camera. weapp + `wechat-facial-verify`:
 * wx.requestFacialVerify({verifyId}) (人脸核身 2.0, base library 3.8.12). Whatever the outcome, the
 * backend's queryverifyinfo decides; this only resolves when WeChat's own screen has closed.
 */
export function runIdentityStep(step: IdentityStepView): Promise<void> {
  if (step.kind !== 'wechat-facial-verify' || currentPlatform() !== 'weapp') return Promise.resolve()
  return new Promise((resolve) => {
    const t = Taro as unknown as { requestFacialVerify?: (o: { verifyId: string; success(): void; fail(): void }) => void }
    if (typeof t.requestFacialVerify !== 'function') return resolve()
    try {
      t.requestFacialVerify({ verifyId: step.verifyId, success: () => resolve(), fail: () => resolve() })
    } catch {
      resolve()
    }
  })
}
