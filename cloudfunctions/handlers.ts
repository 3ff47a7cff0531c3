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
import { handler as listRecords } from './listRecords/handler'
import { handler as localSscAuthorize } from './localSscAuthorize/handler'
import { handler as login } from './login/handler'
import { handler as startCertification } from './startCertification/handler'
import { handler as unbindIdentity } from './unbindIdentity/handler'

export const HANDLERS: { [N in CloudFunctionName]: Handler<CloudFunctions[N]['answer']> } = {
  login,
  bindIdentity,
  unbindIdentity,
  getStatus,
  listRecords,
  localSscAuthorize,
  startCertification,
  completeCertification,
}

export function isCloudFunctionName(name: string): name is CloudFunctionName {
  return Object.prototype.hasOwnProperty.call(HANDLERS, name)
}

/** Runs a handler by name (for callers that only know the name at run time). */
export function runHandler(name: CloudFunctionName, event: unknown, deps: HandlerDeps): Promise<Result<unknown>> {
  return (HANDLERS[name] as Handler<unknown>)(event, deps)
}
