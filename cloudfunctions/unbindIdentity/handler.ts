import type { CloudFunctions } from '../../src/core/contracts/functions'
import { defineHandler } from '../_shared/handler-kit'

/** Removes the caller's 本人 binding (idempotent; the backend audits it). */
export const handler = defineHandler<CloudFunctions['unbindIdentity']['answer']>('unbindIdentity', (_event, { backend }, caller) =>
  backend.post('/v1/bindings/unbind', { caller }),
)
