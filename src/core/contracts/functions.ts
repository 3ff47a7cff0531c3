import type { BindIdentityEvent } from './binding'
import type { CertificationResultView, CertificationSessionView, CompleteCertificationEvent, StartCertificationEvent } from './certification'
import type { BindingView, LoginView, RecordsView, StatusView } from './views'
import type { InboxQuery, InboxView, RecordSubscriptionEvent, SubscriptionsView } from './reminders'
import type { AddRelativeForm, RelativeRef, RelativeView, RelativesView, StatusQueryForm, StatusQueryView } from './family'
import type { RevokeShareEvent, ShareCreatedView, ShareOpenedView, ShareRevokedView } from './share'
import type { NoticeResolvedView, ResolveNoticeEvent } from './notices'

/**
 * Every cloud function by name, with what it takes and what it answers. The mini-program, the
 * local gateway and the functions themselves all use this one map.
 */
export interface CloudFunctions {
  login: { event: Record<string, never>; answer: LoginView }
  bindIdentity: { event: BindIdentityEvent; answer: BindingView }
  unbindIdentity: { event: Record<string, never>; answer: { unbound: true } }
  getStatus: { event: Record<string, never>; answer: StatusView }
  listRecords: { event: { limit?: number; before?: string; relativeId?: string }; answer: RecordsView }
  /** Local-only stand-in for the 电子社保卡 app's authorisation; refused in production. */
  localSscAuthorize: { event: { name: string; idNumber: string }; answer: { authorization: string } }
  /** 开始认证: a single-use session with the backend's challenge, nonce and expiry. */
  startCertification: { event: StartCertificationEvent; answer: CertificationSessionView }
  /** 完成认证: verdict + observation summary (+ evidence frames) → the record. Retry-safe. */
  completeCertification: { event: CompleteCertificationEvent; answer: CertificationResultView }
  /** 添加家人: name + ID number + relation, checked against the roster; answers the masked entry. */
  addRelative: { event: AddRelativeForm; answer: RelativeView }
  /** 家人 list: masked names, relation, 下次认证日期, status. */
  listRelatives: { event: Record<string, never>; answer: RelativesView }
  /** Removes a relative (idempotent); their share links stop working. */
  removeRelative: { event: RelativeRef; answer: { removed: true } }
  /** 发给家人: a signed share token + path for one relative (7 days). */
  createShare: { event: RelativeRef; answer: ShareCreatedView }
  /** Opens a share card: whose certification, from whom. */
  openShare: { event: { token: string }; answer: ShareOpenedView }
  /** The sender withdraws a share (one token, or all of a relative's); idempotent. */
  revokeShare: { event: RevokeShareEvent; answer: ShareRevokedView }
  /** A printed notice's scanned code (scene n=<code>) → whose notice, where they stand. */
  resolveNotice: { event: ResolveNoticeEvent; answer: NoticeResolvedView }
  /** 认证查询 by name + ID number (rate-limited; masked answer). */
  queryStatus: { event: StatusQueryForm; answer: StatusQueryView }
  /** What wx.requestSubscribeMessage answered: each accept is one send credit for that template. */
  recordSubscription: { event: RecordSubscriptionEvent; answer: SubscriptionsView }
  /** Developer-only 消息发件箱: messages the local openapi adapter stored; refused in production. */
  listInbox: { event: Partial<InboxQuery>; answer: InboxView }
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
  'addRelative',
  'listRelatives',
  'removeRelative',
  'createShare',
  'openShare',
  'revokeShare',
  'resolveNotice',
  'queryStatus',
  'recordSubscription',
  'listInbox',
]

/**
 * What every cloud function returns (and the local gateway answers with HTTP 200): a typed result,
 * never a thrown error. Transport failures are turned into the same shape by the client service.
 */
export type CloudFunctionResult<N extends CloudFunctionName> = import('../errors').Result<CloudFunctions[N]['answer']>
