/**
 * Every client-callable endpoint's handler by name, for the local gateway (and tests): the same map
 * the routed cloud function `api` dispatches by.
 */
import type { CloudFunctionName } from '../src/core/contracts/functions'
import type { Result } from '../src/core/errors'
import type { Handler, HandlerDeps } from './_shared/ports'
import { HANDLERS } from './api/handlers'

export { HANDLERS }

/**
 * Cloud functions that are deployed (npm run build:cloud) besides `api`: timer-triggered, never
 * called by the mini-program or the gateway. sendReminders (docs/reminders.md) runs locally from
 * servers/scheduler/ instead.
 */
export const TIMER_FUNCTIONS = ['sendReminders'] as const

export function isCloudFunctionName(name: string): name is CloudFunctionName {
  return Object.prototype.hasOwnProperty.call(HANDLERS, name)
}

/** Runs a handler by name (for callers that only know the name at run time). */
export function runHandler(name: CloudFunctionName, event: unknown, deps: HandlerDeps): Promise<Result<unknown>> {
  return (HANDLERS[name] as Handler<unknown>)(event, deps)
}
