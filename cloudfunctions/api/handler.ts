/**
 * The routed cloud function `api`: one deployed function for every endpoint the table exposes as
 * 'api'. The event is {name, data}; the platform identity is added by the entry as for any function.
 * An unknown name is NOT_FOUND, exactly as the gateway answers an unknown /fn/<name>.
 */
import { isApiName } from '../../src/core/contracts/endpoints'
import { fail, type Result } from '../../src/core/errors'
import type { HandlerDeps } from '../_shared/ports'
import { HANDLERS } from './handlers'

export async function handler(event: unknown, deps: HandlerDeps): Promise<Result<unknown>> {
  const { name, data } = (typeof event === 'object' && event !== null ? event : {}) as { name?: unknown; data?: unknown }
  if (!isApiName(name)) return fail('NOT_FOUND')
  return (HANDLERS[name] as (event: unknown, deps: HandlerDeps) => Promise<Result<unknown>>)(data ?? {}, deps)
}
