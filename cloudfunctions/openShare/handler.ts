import { ShareTokenRefSchema } from '../../src/core/contracts/share'
import type { CloudFunctions } from '../../src/core/contracts/functions'
import { defineHandler } from '../_shared/handler-kit'
import { parseEvent } from '../_shared/validate'

/**
 * Opens a share card: whose certification (masked) and from whom (来自您的子女). A malformed token is
 * refused here with the same SHARE_INVALID the backend gives a forged one.
 */
export const handler = defineHandler<CloudFunctions['openShare']['answer']>('openShare', async (event, { backend }, caller) => {
  const parsed = parseEvent(ShareTokenRefSchema, event)
  if (!parsed.ok) return parsed
  return backend.post('/v1/shares/open', { caller, token: parsed.data.token })
})
