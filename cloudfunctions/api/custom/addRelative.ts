import { ENDPOINTS } from '../../../src/core/contracts/endpoints'
import type { CloudFunctions } from '../../../src/core/contracts/functions'
import { defineHandler } from '../../_shared/handler-kit'
import { checkIdNumber, parseEvent } from '../../_shared/validate'

/**
 * 添加家人: name + ID number + relation (父亲/母亲/配偶/其他亲属). Format errors are answered here; the
 * backend checks the roster, the limits (8 relatives, rate limits) and answers the masked entry.
 */
export const handler = defineHandler<CloudFunctions['addRelative']['answer']>('addRelative', async (event, { backend, clock }, caller) => {
  const parsed = parseEvent(ENDPOINTS.addRelative.event, event)
  if (!parsed.ok) return parsed
  const id = checkIdNumber(parsed.data.idNumber, clock.now())
  if (!id.ok) return id
  return backend.post('/v1/relatives/add', { caller, name: parsed.data.name, idNumber: id.data, relation: parsed.data.relation })
})
