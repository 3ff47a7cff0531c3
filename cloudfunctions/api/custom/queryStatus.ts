import { ENDPOINTS } from '../../../src/core/contracts/endpoints'
import type { CloudFunctions } from '../../../src/core/contracts/functions'
import { defineHandler } from '../../_shared/handler-kit'
import { checkIdNumber, parseEvent } from '../../_shared/validate'

/** 认证查询 by name + ID number: the backend rate-limits (5 a minute, 20 a day) and answers masked. */
export const handler = defineHandler<CloudFunctions['queryStatus']['answer']>('queryStatus', async (event, { backend, clock }, caller) => {
  const parsed = parseEvent(ENDPOINTS.queryStatus.event, event)
  if (!parsed.ok) return parsed
  const id = checkIdNumber(parsed.data.idNumber, clock.now())
  if (!id.ok) return id
  return backend.post('/v1/queries/status', { caller, name: parsed.data.name, idNumber: id.data })
})
