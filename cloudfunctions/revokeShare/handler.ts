import { revokeShareSchemaFor } from '../../src/core/contracts/share'
import type { CloudFunctions } from '../../src/core/contracts/functions'
import { defineHandler } from '../_shared/handler-kit'
import { parseEvent } from '../_shared/validate'

/** The sender withdraws a share card ({token}) or all of one relative's ({relativeId}); idempotent. */
export const handler = defineHandler<CloudFunctions['revokeShare']['answer']>('revokeShare', async (event, { backend }, caller) => {
  const parsed = parseEvent(revokeShareSchemaFor(event), event)
  if (!parsed.ok) return parsed
  const ref = 'token' in parsed.data ? { token: parsed.data.token } : { relativeId: parsed.data.relativeId }
  return backend.post('/v1/shares/revoke', { caller, ...ref })
})
