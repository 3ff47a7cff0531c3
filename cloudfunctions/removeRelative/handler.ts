import { RelativeRefSchema } from '../../src/core/contracts/family'
import type { CloudFunctions } from '../../src/core/contracts/functions'
import { defineHandler } from '../_shared/handler-kit'
import { parseEvent } from '../_shared/validate'

/** Removes a relative from the caller's 家人 list (idempotent); their share links stop working. */
export const handler = defineHandler<CloudFunctions['removeRelative']['answer']>('removeRelative', async (event, { backend }, caller) => {
  const parsed = parseEvent(RelativeRefSchema, event)
  if (!parsed.ok) return parsed
  return backend.post('/v1/relatives/remove', { caller, relativeId: parsed.data.relativeId })
})
