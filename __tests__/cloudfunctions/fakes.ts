/** Test doubles for handler ports. Not a test file (no .test suffix). */
import { fail, type ErrorCode, type Result } from '../../src/core/errors'
import type { BackendPort, BackendRoute, BackendRoutes, HandlerDeps } from '../../cloudfunctions/_shared/ports'

export interface RecordedCall {
  route: BackendRoute
  body: Record<string, unknown>
}

export class FakeBackend implements BackendPort {
  calls: RecordedCall[] = []
  private answers = new Map<BackendRoute, Result<unknown>>()

  answer<R extends BackendRoute>(route: R, result: Result<BackendRoutes[R]>): this {
    this.answers.set(route, result)
    return this
  }

  failWith(route: BackendRoute, code: ErrorCode, field?: string): this {
    this.answers.set(route, fail(code, field))
    return this
  }

  async post<R extends BackendRoute>(route: R, body: Record<string, unknown>): Promise<Result<BackendRoutes[R]>> {
    this.calls.push({ route, body })
    const answer = this.answers.get(route)
    if (!answer) throw new Error(`FakeBackend: no answer scripted for ${route}`)
    return answer as Result<BackendRoutes[R]>
  }
}

export const FIXED_NOW = new Date('2026-11-27T02:00:00Z')

export function deps(backend: BackendPort, overrides: Partial<HandlerDeps> = {}): HandlerDeps {
  return {
    caller: { platform: 'wechat', openid: 'oWx_test_openid_000001' },
    backend,
    clock: { now: () => FIXED_NOW },
    production: false,
    ...overrides,
  }
}

