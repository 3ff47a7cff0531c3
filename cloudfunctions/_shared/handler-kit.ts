import { fail, type Result } from '../../src/core/errors'
import type { Caller } from '../../src/core/contracts/common'
import type { Handler, HandlerDeps } from './ports'

/**
 * Wraps a handler body so that it never throws across the function boundary and always has a
 * caller: no platform identity → UNAUTHENTICATED; anything unexpected → INTERNAL (logged without
 * the event, which may hold personal data).
 */
export function defineHandler<A>(name: string, body: (event: unknown, deps: HandlerDeps, caller: Caller) => Promise<Result<A>>): Handler<A> {
  return async (event, deps) => {
    if (!deps.caller) return fail('UNAUTHENTICATED')
    try {
      return await body(event, deps, deps.caller)
    } catch (err) {
      console.error(`[${name}] unexpected failure: ${err instanceof Error ? err.name : 'unknown'}`)
      return fail('INTERNAL')
    }
  }
}
