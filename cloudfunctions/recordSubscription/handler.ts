import type { CloudFunctions } from '../../src/core/contracts/functions'
import { RecordSubscriptionEventSchema } from '../../src/core/contracts/reminders'
import { defineHandler } from '../_shared/handler-kit'
import { parseEvent } from '../_shared/validate'

/**
 * What wx.requestSubscribeMessage answered, per template ({kind, accepted}); each accept is one send
 * credit (long-term templates, where the deployment has them, need no credits). Answers the
 * caller's subscriptions.
 */
export const handler = defineHandler<CloudFunctions['recordSubscription']['answer']>('recordSubscription', async (event, { backend }, caller) => {
  const parsed = parseEvent(RecordSubscriptionEventSchema, event)
  if (!parsed.ok) return parsed
  return backend.post('/v1/reminders/subscriptions', { caller, templates: parsed.data.templates })
})
