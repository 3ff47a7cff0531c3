/**
 * Ports injected into every cloud-function handler. The WeChat entry (index.ts) and the local
 * gateway each build these; handlers are pure over them and never touch the platform directly.
 */
import type { Result } from '../../src/core/errors'
import type { Caller } from '../../src/core/contracts/common'
import type { BindingView, LoginView, RecordsView, StatusView } from '../../src/core/contracts/views'
import type { CertificationResultView, CertificationSessionView } from '../../src/core/contracts/certification'
import type { RelativeView, RelativesView, StatusQueryView } from '../../src/core/contracts/family'
import type { ShareCreatedView, ShareOpenedView, ShareRevokedView } from '../../src/core/contracts/share'
import type { NoticeResolvedView } from '../../src/core/contracts/notices'

/** Backend routes (docs/backend-api.md) and what each answers with on success. */
export interface BackendRoutes {
  '/v1/accounts/login': LoginView
  '/v1/bindings/manual': BindingView
  '/v1/bindings/ssc': BindingView
  '/v1/bindings/unbind': { unbound: true }
  '/v1/status': StatusView
  '/v1/records': RecordsView
  '/v1/ssc/local-authorize': { authorization: string }
  '/v1/certifications/start': CertificationSessionView
  '/v1/certifications/complete': CertificationResultView
  '/v1/relatives/add': RelativeView
  '/v1/relatives/list': RelativesView
  '/v1/relatives/remove': { removed: true }
  '/v1/shares/create': ShareCreatedView
  '/v1/shares/open': ShareOpenedView
  '/v1/shares/revoke': ShareRevokedView
  '/v1/notices/resolve': NoticeResolvedView
  '/v1/queries/status': StatusQueryView
}
export type BackendRoute = keyof BackendRoutes

/** Signed service calls to the certification backend. Never throws: failures come back as results. */
export interface BackendPort {
  post<R extends BackendRoute>(route: R, body: Record<string, unknown>): Promise<Result<BackendRoutes[R]>>
}

export interface Clock {
  now(): Date
}

export const systemClock: Clock = { now: () => new Date() }

export interface HandlerDeps {
  /** The trusted platform identity of whoever called, or null when there is none (e.g. a timer). */
  caller: Caller | null
  backend: BackendPort
  clock: Clock
  /** True where local-only stand-ins (local 电子社保卡 authorisation) must be refused. */
  production: boolean
}

/** A cloud-function handler: event in, typed result out; it never throws. */
export type Handler<A> = (event: unknown, deps: HandlerDeps) => Promise<Result<A>>
