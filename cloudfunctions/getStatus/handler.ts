import type { CloudFunctions } from '../../src/core/contracts/functions'
import { defineHandler } from '../_shared/handler-kit'

/** The bound retiree's certification status: masked name, 险种, 下次认证日期, state, last result. */
export const handler = defineHandler<CloudFunctions['getStatus']['answer']>('getStatus', (_event, { backend }, caller) =>
  backend.post('/v1/status', { caller }),
)
