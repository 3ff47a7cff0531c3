import { ENDPOINTS } from '../../../src/core/contracts/endpoints'
import type { CloudFunctions } from '../../../src/core/contracts/functions'
import { fail } from '../../../src/core/errors'
import { defineHandler } from '../../_shared/handler-kit'
import { checkIdNumber, parseEvent } from '../../_shared/validate'

/**
 * Local stand-in for the national 电子社保卡 app's authorisation (which already knows its holder):
 * asks the backend's local adapter for a signed authorisation token. Refused in production.
 */
export const handler = defineHandler<CloudFunctions['localSscAuthorize']['answer']>('localSscAuthorize', async (event, { backend, clock, production }, caller) => {
  if (production) return fail('FORBIDDEN_IN_PRODUCTION')
  const parsed = parseEvent(ENDPOINTS.localSscAuthorize.event, event)
  if (!parsed.ok) return parsed
  const id = checkIdNumber(parsed.data.idNumber, clock.now())
  if (!id.ok) return id
  return backend.post('/v1/ssc/local-authorize', { caller, name: parsed.data.name, idNumber: id.data })
})
