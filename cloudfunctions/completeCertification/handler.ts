import { CompleteCertificationEventSchema } from '../../src/core/contracts/certification'
import type { CloudFunctions } from '../../src/core/contracts/functions'
import { defineHandler } from '../_shared/handler-kit'
import { parseEvent } from '../_shared/validate'

/**
 * 完成认证: the client's verdict, the engine's observation summary and (when the session asked for
 * them) evidence frames go to the backend, which replays and decides. Retrying after a lost answer is
 * safe: the same session answers the same record.
 */
export const handler = defineHandler<CloudFunctions['completeCertification']['answer']>('completeCertification', async (event, { backend }, caller) => {
  const parsed = parseEvent(CompleteCertificationEventSchema, event)
  if (!parsed.ok) return parsed
  const { sessionId, nonce, verdict, summary, evidence } = parsed.data
  return backend.post('/v1/certifications/complete', {
    caller,
    sessionId,
    nonce,
    verdict,
    summary,
    ...(evidence === undefined ? {} : { evidence }),
  })
})
