import { ENDPOINTS } from '../../../src/core/contracts/endpoints'
import type { CloudFunctions } from '../../../src/core/contracts/functions'
import { fail } from '../../../src/core/errors'
import { defineHandler } from '../../_shared/handler-kit'
import { parseEvent } from '../../_shared/validate'

/** Developer-only 消息发件箱: what the local openapi adapter stored. Refused in production. */
export const handler = defineHandler<CloudFunctions['listInbox']['answer']>('listInbox', async (event, { backend, production }, caller) => {
  if (production) return fail('FORBIDDEN_IN_PRODUCTION')
  const parsed = parseEvent(ENDPOINTS.listInbox.event, event)
  if (!parsed.ok) return parsed
  const { limit, before, onlyMine } = parsed.data
  return backend.post('/v1/reminders/inbox', before === undefined ? { caller, limit, onlyMine } : { caller, limit, before, onlyMine })
})
