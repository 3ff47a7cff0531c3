/**
 * Ports injected into every cloud-function handler. The WeChat entry (index.ts) and the local
 * gateway each build these; handlers are pure over them and never touch the platform directly.
 */
import type { Result } from '../../src/core/errors'
import type { Caller } from '../../src/core/contracts/common'
import type { RouteAnswers } from '../../src/core/contracts/endpoints'

/** Backend routes and what each answers with on success: derived from the endpoint table. */
export type BackendRoutes = RouteAnswers
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
