import type { BindIdentityEvent } from './binding'
import type { CertificationResultView, CertificationSessionView, CompleteCertificationEvent, StartCertificationEvent } from './certification'
import type { BindingView, LoginView, RecordsView, StatusView } from './views'

/**
 * Every cloud function by name, with what it takes and what it answers. The mini-program, the
 * local gateway and the functions themselves all use this one map.
 */
export interface CloudFunctions {
  login: { event: Record<string, never>; answer: LoginView }
  bindIdentity: { event: BindIdentityEvent; answer: BindingView }
  unbindIdentity: { event: Record<string, never>; answer: { unbound: true } }
  getStatus: { event: Record<string, never>; answer: StatusView }
  listRecords: { event: { limit?: number; before?: string }; answer: RecordsView }
  /** Local-only stand-in for the 电子社保卡 app's authorisation; refused in production. */
  localSscAuthorize: { event: { name: string; idNumber: string }; answer: { authorization: string } }
  /** 开始认证: a single-use session with the backend's challenge, nonce and expiry. */
  startCertification: { event: StartCertificationEvent; answer: CertificationSessionView }
  /** 完成认证: verdict + observation summary (+ evidence frames) → the record. Retry-safe. */
  completeCertification: { event: CompleteCertificationEvent; answer: CertificationResultView }
}

export type CloudFunctionName = keyof CloudFunctions

export const CLOUD_FUNCTION_NAMES: readonly CloudFunctionName[] = [
  'login',
  'bindIdentity',
  'unbindIdentity',
  'getStatus',
  'listRecords',
  'localSscAuthorize',
  'startCertification',
  'completeCertification',
]

/**
 * What every cloud function returns (and the local gateway answers with HTTP 200): a typed result,
 * never a thrown error. Transport failures are turned into the same shape by the client service.
 */
export type CloudFunctionResult<N extends CloudFunctionName> = import('../errors').Result<CloudFunctions[N]['answer']>
