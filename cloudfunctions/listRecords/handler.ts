import type { CloudFunctions } from '../../src/core/contracts/functions'
import { RecordsQuerySchema } from '../../src/core/contracts/views'
import { defineHandler } from '../_shared/handler-kit'
import { parseEvent } from '../_shared/validate'

/** 历史认证记录 of the bound retiree (or, with relativeId, of a linked 家人), newest first, paged by `before`. */
export const handler = defineHandler<CloudFunctions['listRecords']['answer']>('listRecords', async (event, { backend }, caller) => {
  const parsed = parseEvent(RecordsQuerySchema, event)
  if (!parsed.ok) return parsed
  const { limit, before, relativeId } = parsed.data
  return backend.post('/v1/records', { caller, limit, ...(before === undefined ? {} : { before }), ...(relativeId === undefined ? {} : { relativeId }) })
})
