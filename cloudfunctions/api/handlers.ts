/**
 * Every endpoint the routed function `api` answers, by name. Pass-through endpoints are forward(name)
 * (all they do is in the endpoint table), so adding one needs nothing here; the others have a
 * handler in custom/ because they do work of their own before the backend call (two routes by
 * method, the channel from the platform, a notice scene parsed).
 */
import { CLOUD_FUNCTION_NAMES, type CloudFunctionName, type CloudFunctions } from '../../src/core/contracts/functions'
import { forward } from '../_shared/forward'
import type { Handler } from '../_shared/ports'
import { handler as bindIdentity } from './custom/bindIdentity'
import { handler as resolveNotice } from './custom/resolveNotice'
import { handler as startCertification } from './custom/startCertification'

/** The endpoints with work of their own; every other 'api' endpoint of the table is forward(name). */
const CUSTOM: Partial<{ [N in CloudFunctionName]: Handler<CloudFunctions[N]['answer']> }> = {
  bindIdentity,
  startCertification,
  resolveNotice,
}

export const HANDLERS = Object.fromEntries(CLOUD_FUNCTION_NAMES.map((name) => [name, CUSTOM[name] ?? forward(name)])) as {
  [N in CloudFunctionName]: Handler<CloudFunctions[N]['answer']>
}
