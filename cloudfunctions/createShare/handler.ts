import { RelativeRefSchema } from '../../src/core/contracts/family'
import type { CloudFunctions } from '../../src/core/contracts/functions'
import { defineHandler } from '../_shared/handler-kit'
import { parseEvent } from '../_shared/validate'

/** 发给家人: a signed, opaque share token (7 days) and the path for useShareAppMessage / the H5 link. */
export const handler = defineHandler<CloudFunctions['createShare']['answer']>('createShare', async (event, { backend }, caller) => {
  const parsed = parseEvent(RelativeRefSchema, event)
  if (!parsed.ok) return parsed
  return backend.post('/v1/shares/create', { caller, relativeId: parsed.data.relativeId })
})
