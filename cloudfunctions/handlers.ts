/**
 * Every cloud-function handler by name, for the local gateway (and tests). The WeChat bundles do
 * not import this: each function's index.ts pulls in only its own handler.
 */
import type { CloudFunctionName, CloudFunctions } from '../src/core/contracts/functions'
import type { Result } from '../src/core/errors'
import type { Handler, HandlerDeps } from './_shared/ports'
import { handler as bindIdentity } from './bindIdentity/handler'
import { handler as completeCertification } from './completeCertification/handler'
import { handler as getStatus } from './getStatus/handler'
import { handler as listInbox } from './listInbox/handler'
import { handler as listRecords } from './listRecords/handler'
import { handler as localSscAuthorize } from './localSscAuthorize/handler'
import { handler as login } from './login/handler'
import { handler as recordSubscription } from './recordSubscription/handler'
import { handler as startCertification } from './startCertification/handler'
import { handler as unbindIdentity } from './unbindIdentity/handler'
import { handler as addRelative } from './addRelative/handler'
import { handler as listRelatives } from './listRelatives/handler'
import { handler as removeRelative } from './removeRelative/handler'
import { handler as createShare } from './createShare/handler'
import { handler as openShare } from './openShare/handler'
import { handler as revokeShare } from './revokeShare/handler'
import { handler as resolveNotice } from './resolveNotice/handler'
import { handler as queryStatus } from './queryStatus/handler'

export const HANDLERS: { [N in CloudFunctionName]: Handler<CloudFunctions[N]['answer']> } = {
  login,
  bindIdentity,
  unbindIdentity,
  getStatus,
  listRecords,
  localSscAuthorize,
  startCertification,
  completeCertification,
  addRelative,
  listRelatives,
  removeRelative,
  createShare,
  openShare,
  revokeShare,
  resolveNotice,
  queryStatus,
  recordSubscription,
  listInbox,
}

/**
 * Cloud functions that are deployed (npm run build:cloud) but have no handler here: timer-triggered,
 * never called by the mini-program or the gateway. sendReminders (docs/reminders.md) runs locally
 * from scripts/reminders/ instead.
 */
export const TIMER_FUNCTIONS = ['sendReminders'] as const

export function isCloudFunctionName(name: string): name is CloudFunctionName {
  return Object.prototype.hasOwnProperty.call(HANDLERS, name)
}

/** Runs a handler by name (for callers that only know the name at run time). */
export function runHandler(name: CloudFunctionName, event: unknown, deps: HandlerDeps): Promise<Result<unknown>> {
  return (HANDLERS[name] as Handler<unknown>)(event, deps)
}
