import { ENDPOINTS } from '../../../src/core/contracts/endpoints'
import type { CloudFunctions } from '../../../src/core/contracts/functions'
import { defineHandler } from '../../_shared/handler-kit'
import { checkIdNumber, parseEvent } from '../../_shared/validate'

/**
 * Binds the caller's platform identity to a retiree: by a signed 电子社保卡 authorisation, or by
 * name + ID number + card number + 险种 checked against the roster by the backend.
 */
export const handler = defineHandler<CloudFunctions['bindIdentity']['answer']>('bindIdentity', async (event, { backend, clock }, caller) => {
  const parsed = parseEvent(ENDPOINTS.bindIdentity.event, event)
  if (!parsed.ok) return parsed
  const input = parsed.data
  if (input.method === 'ssc') {
    return backend.post('/v1/bindings/ssc', { caller, authorization: input.authorization })
  }
  const id = checkIdNumber(input.idNumber, clock.now())
  if (!id.ok) return id
  return backend.post('/v1/bindings/manual', {
    caller,
    name: input.name,
    idNumber: id.data,
    cardNumber: input.cardNumber,
    insuranceType: input.insuranceType,
  })
})
