import type { CloudFunctions } from '../../src/core/contracts/functions'
import { defineHandler } from '../_shared/handler-kit'

/** Who am I: whether this platform identity is bound to a retiree, and to whom (masked). */
export const handler = defineHandler<CloudFunctions['login']['answer']>('login', (_event, { backend }, caller) =>
  backend.post('/v1/accounts/login', { caller }),
)
