/**
 * THE endpoint table: every call the mini-program, the cloud functions and the timer make, with
 * its request and answer schemas, who may make it, the codes it may answer besides COMMON_ERRORS,
 * where it is exposed, and its backend route. The backend registers its routes from here
 * (server/http/endpoint.ts), the routed cloud function `api` and the gateway dispatch by it, and
 * the client's typed calls (src/services/call-function.ts) are typed by it. docs/endpoints.md.
 */
import * as v from 'valibot'
import type { ErrorCode } from '../errors'
import { BackendBindManualSchema, BackendBindSscSchema, BackendCallerOnlySchema, BackendLocalSscAuthorizeSchema, BindIdentityEventSchema, IdNumberInputSchema, NameSchema } from './binding'
import {
  BackendCancelCertificationSchema,
  BackendCompleteCertificationSchema,
  CancelCertificationEventSchema,
  CancelledViewSchema,
  BackendStartCertificationSchema,
  CompleteCertificationEventSchema,
  StartCertificationEventSchema,
  CertificationResultViewSchema,
  CertificationSessionViewSchema,
} from './certification'
import {
  AddRelativeFormSchema,
  BackendAddRelativeSchema,
  BackendRelativeRefSchema,
  BackendStatusQuerySchema,
  RelativeRefSchema,
  StatusQueryFormSchema,
  RelativeViewSchema,
  RelativesViewSchema,
  StatusQueryViewSchema,
  RemovedViewSchema,
} from './family'
import { AppealRefEventSchema, AppealStatusViewSchema, AppealViewSchema, BackendAppealRefSchema, BackendFileAppealSchema, FileAppealEventSchema } from './appeals'
import { BackendNoticeCodeSchema, ResolveNoticeEventSchema, NoticeResolvedViewSchema } from './notices'
import { BackendClaimUnitInviteSchema, ClaimUnitInviteEventSchema, UnitAdminStatusViewSchema, UnitMembersViewSchema } from './unit-admin'
import {
  AckRequestSchema,
  AttemptRequestSchema,
  BackendInboxQuerySchema,
  BackendRecordSubscriptionSchema,
  ClaimRequestSchema,
  InboxQuerySchema,
  LocalDeliverSchema,
  RecordSubscriptionEventSchema,
  SweepRequestSchema,
  AckViewSchema,
  AttemptViewSchema,
  ClaimViewSchema,
  InboxViewSchema,
  LocalDeliverViewSchema,
  ReminderStatsViewSchema,
  SubscriptionsViewSchema,
  SweepViewSchema,
  DemoRecipientViewSchema,
} from './reminders'
import { BackendShareTokenSchema, BackendCreateShareSchema, backendRevokeShareSchemaFor, revokeShareSchemaFor, ShareTokenRefSchema, type RevokeShareEvent, ShareCreatedViewSchema, ShareOpenedViewSchema, ShareRevokedViewSchema } from './share'
import { BackendRecordsSchema, RecordsQuerySchema, BindingViewSchema, LoginViewSchema, RecordsViewSchema, StatusViewSchema } from './views'

/**
 * Who may make a call. A WeChat (or local) account is a retiree for its own binding and a relative
 * for the people it helps; agency roles are for the agency console to come; the timer is the
 * scheduled sender (and the local tools that stand in for WeChat's openapi), with no person behind it.
 */
export const ROLES = ['retiree', 'relative', 'agency_clerk', 'agency_supervisor', 'timer'] as const
export type Role = (typeof ROLES)[number]

/** Codes any endpoint may answer (transport, signature, limits, validation), so not listed per entry. */
export const COMMON_ERRORS = [
  'VALIDATION_FAILED',
  'BAD_REQUEST',
  'UNAUTHENTICATED',
  'PAYLOAD_TOO_LARGE',
  'REQUEST_TIMEOUT',
  'RATE_LIMITED',
  'SERVICE_UNAVAILABLE',
  'INTERNAL',
] as const satisfies readonly ErrorCode[]

/** Where an endpoint is reachable from outside the backend. */
export type Exposure =
  /** a name of the routed cloud function `api` (weapp) and of the gateway's POST /fn/<name> (H5) */
  | 'api'
  /** called only by the timer cloud function of that name */
  | 'sendReminders'
  /** backend only (local tools, the cloud-function layer's own sub-routes) */
  | null

/** A request schema that can be chosen by the payload (revokeShare: by token or by relativeId). */
export type SchemaFor = (payload: unknown) => v.GenericSchema

export interface EndpointSpec {
  /** What the client sends (the `api` / gateway hop); absent when no client calls it. */
  event?: v.GenericSchema | SchemaFor
  /** The backend route and its body (with the caller added by the cloud-function layer); null: none of its own. */
  route: `/v1/${string}` | null
  body?: v.GenericSchema | SchemaFor
  /**
   * What it answers on success: the route declares it as its 200 response schema (JSON Schema via
   * @valibot/to-json-schema), so Fastify serialises by it and drops any field it does not declare.
   */
  answer: v.GenericSchema
  callers: readonly Role[]
  errors: readonly ErrorCode[]
  exposed: Exposure
  /** WeChat openapi calls the exposing cloud function makes for it (its config.json must grant them). */
  openapi?: readonly string[]
  /** The event's idNumber gets the GB 11643 check (and its reason) in the cloud-function layer, before any backend call. */
  checksIdNumber?: true
  /** A local stand-in: refused (FORBIDDEN_IN_PRODUCTION) by production deployments before anything else. */
  localOnly?: true
}

/** A cloud call without input. */
const NoInput = v.object({})

const ACCOUNT: readonly Role[] = ['retiree', 'relative']
const RETIREE: readonly Role[] = ['retiree']
const RELATIVE: readonly Role[] = ['relative']
const TIMER: readonly Role[] = ['timer']

export const ENDPOINTS = {
  login: { event: NoInput, route: '/v1/accounts/login', body: BackendCallerOnlySchema, answer: LoginViewSchema, callers: ACCOUNT, errors: [], exposed: 'api' },
  /** Dispatches to bindManual or bindSsc by `method` (the cloud-function handler applies GB 11643 first). */
  bindIdentity: {
    event: BindIdentityEventSchema,
    route: null,
    answer: BindingViewSchema,
    callers: RETIREE,
    errors: ['ID_LENGTH', 'ID_ILLEGAL_CHARS', 'ID_BIRTH_DATE', 'ID_CHECKSUM', 'ID_LEGACY_15', 'PERSON_NOT_FOUND', 'DETAILS_MISMATCH', 'PERSON_BOUND_ELSEWHERE', 'ACCOUNT_ALREADY_BOUND', 'SSC_AUTH_INVALID', 'ID_NUMBER_CHECKS_LIMITED'],
    exposed: 'api',
  },
  bindManual: {
    route: '/v1/bindings/manual',
    body: BackendBindManualSchema,
    answer: BindingViewSchema,
    callers: RETIREE,
    errors: ['ID_LENGTH', 'ID_ILLEGAL_CHARS', 'ID_BIRTH_DATE', 'ID_CHECKSUM', 'ID_LEGACY_15', 'PERSON_NOT_FOUND', 'DETAILS_MISMATCH', 'PERSON_BOUND_ELSEWHERE', 'ACCOUNT_ALREADY_BOUND', 'ID_NUMBER_CHECKS_LIMITED'],
    exposed: null,
  },
  bindSsc: { route: '/v1/bindings/ssc', body: BackendBindSscSchema, answer: BindingViewSchema, callers: RETIREE, errors: ['SSC_AUTH_INVALID', 'PERSON_NOT_FOUND', 'PERSON_BOUND_ELSEWHERE', 'ACCOUNT_ALREADY_BOUND'], exposed: null },
  unbindIdentity: { event: NoInput, route: '/v1/bindings/unbind', body: BackendCallerOnlySchema, answer: v.object({ unbound: v.literal(true) }), callers: RETIREE, errors: [], exposed: 'api' },
  getStatus: { event: NoInput, route: '/v1/status', body: BackendCallerOnlySchema, answer: StatusViewSchema, callers: RETIREE, errors: [], exposed: 'api' },
  listRecords: { event: RecordsQuerySchema, route: '/v1/records', body: BackendRecordsSchema, answer: RecordsViewSchema, callers: ACCOUNT, errors: ['NOT_BOUND', 'RELATIVE_NOT_FOUND'], exposed: 'api' },
  /** Local-only stand-in for the 电子社保卡 app's authorisation; refused in production. */
  localSscAuthorize: {
    event: v.object({ name: NameSchema, idNumber: IdNumberInputSchema }),
    route: '/v1/ssc/local-authorize',
    body: BackendLocalSscAuthorizeSchema,
    answer: v.object({ authorization: v.string() }),
    callers: RETIREE,
    errors: ['FORBIDDEN_IN_PRODUCTION', 'PERSON_NOT_FOUND', 'DETAILS_MISMATCH', 'ID_CHECKSUM', 'ID_LENGTH'],
    exposed: 'api',
    checksIdNumber: true,
    localOnly: true,
  },
  /** 开始认证: a single-use session with the backend's challenge, nonce and expiry. */
  startCertification: {
    event: StartCertificationEventSchema,
    route: '/v1/certifications/start',
    body: BackendStartCertificationSchema,
    answer: CertificationSessionViewSchema,
    callers: ACCOUNT,
    errors: ['NOT_BOUND', 'RELATIVE_NOT_FOUND', 'TOO_MANY_SESSIONS', 'SHARE_INVALID', 'SHARE_EXPIRED', 'SHARE_REVOKED', 'SHARE_USED', 'NOTICE_INVALID', 'NOTICE_ALREADY_CERTIFIED', 'UNIT_ADMIN_NOT_APPOINTED', 'UNIT_MEMBER_NOT_FOUND'],
    exposed: 'api',
  },
  /** 完成认证: verdict + observation summary (+ evidence frames) → the record. Retry-safe. */
  completeCertification: {
    event: CompleteCertificationEventSchema,
    route: '/v1/certifications/complete',
    body: BackendCompleteCertificationSchema,
    answer: CertificationResultViewSchema,
    callers: ACCOUNT,
    errors: ['SESSION_NOT_FOUND', 'SESSION_EXPIRED', 'SESSION_NONCE_MISMATCH', 'SESSION_CANCELLED', 'LIVENESS_MISMATCH', 'TRACE_IMPLAUSIBLE', 'TRACE_REUSED', 'EVIDENCE_MISMATCH', 'IDENTITY_NOT_COMPLETED', 'NOT_BOUND', 'RELATIVE_NOT_FOUND', 'SHARE_REVOKED', 'UNIT_ADMIN_NOT_APPOINTED'],
    exposed: 'api',
  },
  /**
   * The phone closes its own open session (人脸核身 not finished, camera page left, a new try): no
   * record, nothing counted, so it no longer takes one of the account's open-session places.
   * Idempotent; a completed, refused or expired session is left as it is.
   */
  cancelCertification: {
    event: CancelCertificationEventSchema,
    route: '/v1/certifications/cancel',
    body: BackendCancelCertificationSchema,
    answer: CancelledViewSchema,
    callers: ACCOUNT,
    errors: ['SESSION_NOT_FOUND', 'SESSION_NONCE_MISMATCH'],
    exposed: 'api',
  },
  /** 添加家人: name + ID number + relation, checked against the roster; answers the masked entry. */
  addRelative: {
    event: AddRelativeFormSchema,
    route: '/v1/relatives/add',
    body: BackendAddRelativeSchema,
    answer: RelativeViewSchema,
    callers: RELATIVE,
    errors: ['RELATION_INVALID', 'PERSON_NOT_FOUND', 'DETAILS_MISMATCH', 'RELATIVE_IS_SELF', 'RELATIVES_LIMIT', 'ID_NUMBER_CHECKS_LIMITED'],
    exposed: 'api',
    checksIdNumber: true,
  },
  /** 家人 list: masked names, relation, 下次认证日期, status. */
  listRelatives: { event: NoInput, route: '/v1/relatives/list', body: BackendCallerOnlySchema, answer: RelativesViewSchema, callers: RELATIVE, errors: [], exposed: 'api' },
  /** Removes a relative (idempotent); their share links stop working. */
  removeRelative: { event: RelativeRefSchema, route: '/v1/relatives/remove', body: BackendRelativeRefSchema, answer: RemovedViewSchema, callers: RELATIVE, errors: ['RELATIVE_NOT_FOUND'], exposed: 'api' },
  /** 发给家人: a signed share token + path for one relative (7 days). No WeChat openapi call. */
  createShare: { event: RelativeRefSchema, route: '/v1/shares/create', body: BackendCreateShareSchema, answer: ShareCreatedViewSchema, callers: RELATIVE, errors: ['RELATIVE_NOT_FOUND'], exposed: 'api' },
  /** Opens a share card: whose certification, from whom. */
  openShare: {
    event: ShareTokenRefSchema,
    route: '/v1/shares/open',
    body: BackendShareTokenSchema,
    answer: ShareOpenedViewSchema,
    callers: RETIREE,
    errors: ['SHARE_INVALID', 'SHARE_EXPIRED', 'SHARE_REVOKED', 'SHARE_USED'],
    exposed: 'api',
  },
  /** The sender withdraws a share (one token, or all of a relative's); idempotent. */
  revokeShare: {
    event: revokeShareSchemaFor,
    route: '/v1/shares/revoke',
    body: backendRevokeShareSchemaFor,
    answer: ShareRevokedViewSchema,
    callers: RELATIVE,
    errors: ['SHARE_INVALID', 'RELATIVE_NOT_FOUND'],
    exposed: 'api',
  },
  /** A printed notice's scanned code (scene n=<code>) → whose notice, where they stand. No WeChat openapi call. */
  resolveNotice: { event: ResolveNoticeEventSchema, route: '/v1/notices/resolve', body: BackendNoticeCodeSchema, answer: NoticeResolvedViewSchema, callers: RETIREE, errors: ['NOTICE_INVALID', 'NOTICE_ALREADY_CERTIFIED'], exposed: 'api' },
  /** 认证查询 by name + ID number (rate-limited; masked answer). */
  queryStatus: {
    event: StatusQueryFormSchema,
    route: '/v1/queries/status',
    body: BackendStatusQuerySchema,
    answer: StatusQueryViewSchema,
    callers: ACCOUNT,
    errors: ['PERSON_NOT_FOUND', 'DETAILS_MISMATCH', 'ID_NUMBER_CHECKS_LIMITED'],
    exposed: 'api',
    checksIdNumber: true,
  },
  /** 我要申诉 / 申请上门认证 for the bound person or a 家人 (one open per person; rate-limited; phone sealed, answered masked). */
  fileAppeal: {
    event: FileAppealEventSchema,
    route: '/v1/appeals/file',
    body: BackendFileAppealSchema,
    answer: AppealViewSchema,
    callers: ACCOUNT,
    errors: ['NOT_BOUND', 'RELATIVE_NOT_FOUND', 'APPEAL_REASON_INVALID', 'APPEAL_NOTE_REQUIRED', 'APPEAL_PHONE_INVALID', 'APPEAL_ADDRESS_REQUIRED', 'APPEAL_ALREADY_OPEN'],
    exposed: 'api',
  },
  /** The person's latest appeal and its state (首页, the relative's page). */
  getAppeal: { event: AppealRefEventSchema, route: '/v1/appeals/status', body: BackendAppealRefSchema, answer: AppealStatusViewSchema, callers: ACCOUNT, errors: ['NOT_BOUND', 'RELATIVE_NOT_FOUND'], exposed: 'api' },
  // 单位专管员 (src/core/contracts/unit-admin.ts): the invitation code, the live appointment, the unit's members.
  claimUnitInvite: { event: ClaimUnitInviteEventSchema, route: '/v1/unit-admins/claim', body: BackendClaimUnitInviteSchema, answer: UnitAdminStatusViewSchema, callers: ACCOUNT, errors: ['UNIT_INVITE_INVALID', 'UNIT_ADMIN_ALREADY_APPOINTED'], exposed: 'api' },
  unitAdminStatus: { event: NoInput, route: '/v1/unit-admins/status', body: BackendCallerOnlySchema, answer: UnitAdminStatusViewSchema, callers: ACCOUNT, errors: [], exposed: 'api' },
  listUnitMembers: { event: NoInput, route: '/v1/unit-admins/members', body: BackendCallerOnlySchema, answer: UnitMembersViewSchema, callers: ACCOUNT, errors: ['UNIT_ADMIN_NOT_APPOINTED'], exposed: 'api' },
  /** What wx.requestSubscribeMessage answered: each accept is one send credit for that template. */
  recordSubscription: { event: RecordSubscriptionEventSchema, route: '/v1/reminders/subscriptions', body: BackendRecordSubscriptionSchema, answer: SubscriptionsViewSchema, callers: ACCOUNT, errors: [], exposed: 'api' },
  /** Developer-only 消息发件箱: messages the local openapi adapter stored; refused in production. */
  listInbox: {
    event: InboxQuerySchema,
    route: '/v1/reminders/inbox',
    body: BackendInboxQuerySchema,
    answer: InboxViewSchema,
    callers: ACCOUNT,
    errors: ['FORBIDDEN_IN_PRODUCTION'],
    exposed: 'api',
    localOnly: true,
  },
  // The reminder sender (docs/reminders.md): the timer function sendReminders, or the local scheduler.
  sweepReminders: { route: '/v1/reminders/sweep', body: SweepRequestSchema, answer: SweepViewSchema, callers: TIMER, errors: [], exposed: 'sendReminders' },
  claimReminders: { route: '/v1/reminders/claim', body: ClaimRequestSchema, answer: ClaimViewSchema, callers: TIMER, errors: [], exposed: 'sendReminders' },
  attemptReminders: { route: '/v1/reminders/attempt', body: AttemptRequestSchema, answer: AttemptViewSchema, callers: TIMER, errors: [], exposed: 'sendReminders' },
  ackReminders: { route: '/v1/reminders/ack', body: AckRequestSchema, answer: AckViewSchema, callers: TIMER, errors: [], exposed: 'sendReminders' },
  reminderStats: { route: '/v1/reminders/stats', answer: ReminderStatsViewSchema, callers: TIMER, errors: [], exposed: null },
  localDeliver: { route: '/v1/reminders/local/deliver', body: LocalDeliverSchema, answer: LocalDeliverViewSchema, callers: TIMER, errors: ['FORBIDDEN_IN_PRODUCTION'], exposed: null },
  demoRecipient: {
    route: '/v1/reminders/local/demo-recipient',
    answer: DemoRecipientViewSchema,
    callers: TIMER,
    errors: ['FORBIDDEN_IN_PRODUCTION'],
    exposed: null,
  },
} as const satisfies Record<string, EndpointSpec>

export type Endpoints = typeof ENDPOINTS
export type EndpointName = keyof Endpoints

/** What an endpoint answers on success. */
export type AnswerOf<N extends EndpointName> = v.InferOutput<Endpoints[N]['answer']>

type SchemaInput<S> = S extends v.GenericSchema ? v.InferInput<S> : never
/** Events typed by hand where a schema picks itself by the payload. */
interface EventOverrides {
  revokeShare: RevokeShareEvent
}
/** What a client sends to an exposed endpoint. */
export type EventOf<N extends EndpointName> = N extends keyof EventOverrides ? EventOverrides[N] : Endpoints[N] extends { event: infer S } ? SchemaInput<S> : never

/** The endpoints a client may call through `api` (weapp) or the gateway (H5). */
export type ApiName = { [N in EndpointName]: Endpoints[N]['exposed'] extends 'api' ? N : never }[EndpointName]

/** Backend routes and what each answers with on success. */
export type RouteAnswers = {
  [N in EndpointName as Endpoints[N]['route'] extends `/v1/${string}` ? Endpoints[N]['route'] : never]: AnswerOf<N>
}
export type RoutePath = keyof RouteAnswers

/** Every endpoint name, in table order. */
export const ENDPOINT_NAMES = Object.keys(ENDPOINTS) as EndpointName[]

export const API_NAMES = ENDPOINT_NAMES.filter((n): n is ApiName => ENDPOINTS[n].exposed === 'api')

export function isApiName(name: unknown): name is ApiName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(ENDPOINTS, name) && ENDPOINTS[name as EndpointName].exposed === 'api'
}

/** The schema for a payload: fixed, or chosen by the payload itself. */
export function schemaFor(schema: v.GenericSchema | SchemaFor, payload: unknown): v.GenericSchema {
  return typeof schema === 'function' ? schema(payload) : schema
}

/**
 * The deployed cloud functions: the routed `api`, and those that do real work of their own (the
 * timer sender, which calls subscribeMessage.send itself). Nothing else gets a folder.
 */
export const DEPLOYED_FUNCTIONS = {
  api: { trigger: 'call', openapi: [] as readonly string[] },
  sendReminders: { trigger: 'timer', openapi: ['subscribeMessage.send'] as readonly string[] },
} as const
export type DeployedFunction = keyof typeof DEPLOYED_FUNCTIONS

/** The openapi permissions a deployed function's config.json must list: its own plus its endpoints'. */
export function openapiPermissionsOf(fn: DeployedFunction): string[] {
  const fromEndpoints = ENDPOINT_NAMES.flatMap((n) => {
    const spec: EndpointSpec = ENDPOINTS[n]
    return spec.exposed === fn ? (spec.openapi ?? []) : []
  })
  return [...new Set([...DEPLOYED_FUNCTIONS[fn].openapi, ...fromEndpoints])].sort()
}
