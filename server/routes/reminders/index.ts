/**
 * /v1/reminders/… (signed, like every /v1 route): docs/backend-api.md § reminders.
 *   sweep, claim, attempt, ack, stats   — the sender (cloud function sendReminders / local scheduler)
 *   subscriptions                       — recordSubscription (a person's accepts)
 *   local/deliver, inbox                — the local openapi adapter and the 消息发件箱 (refused in production)
 */
import type { FastifyPluginAsync } from 'fastify'
import {
  AckRequestSchema,
  AttemptRequestSchema,
  BackendInboxQuerySchema,
  BackendRecordSubscriptionSchema,
  ClaimRequestSchema,
  LocalDeliverSchema,
  SweepRequestSchema,
} from '../../../src/core/contracts/reminders'
import { parseBody } from '../../http/validate'
import type { RemindersConfig } from '../../reminders/config'
import { ack, attempt, claim, ensureDemoRecipient, listInbox, localDeliver, recordSubscription, stats, sweep, type RemindersDeps } from '../../reminders/service'
import type { RouteOptions } from '../options'

export interface ReminderRouteOptions extends RouteOptions {
  reminders: RemindersConfig
}

export const reminderRoutes: FastifyPluginAsync<ReminderRouteOptions> = async (app, { ctx, production, reminders }) => {
  const deps: RemindersDeps = {
    ctx,
    config: reminders,
    log: { error: (o, m) => app.log.error(o, m), warn: (o, m) => app.log.warn(o, m), info: (o, m) => app.log.info(o, m) },
  }
  app.post('/reminders/sweep', async (req) => {
    const body = parseBody(SweepRequestSchema, req.body)
    const view = await sweep(deps, body.day, body.force)
    if (!view.skipped) app.log.info({ day: view.day, inserted: view.inserted, byKind: view.byKind, ms: view.ms }, 'reminder sweep')
    return view
  })
  app.post('/reminders/claim', async (req) => {
    const body = parseBody(ClaimRequestSchema, req.body)
    return claim(deps, body.batchSize, body.leaseMs)
  })
  app.post('/reminders/attempt', async (req) => {
    const body = parseBody(AttemptRequestSchema, req.body)
    return attempt(deps, body.claimToken, body.ids)
  })
  app.post('/reminders/ack', async (req) => {
    const body = parseBody(AckRequestSchema, req.body)
    return ack(deps, body.claimToken, body.results)
  })
  app.post('/reminders/stats', async () => stats(deps))
  app.post('/reminders/subscriptions', async (req) => {
    const body = parseBody(BackendRecordSubscriptionSchema, req.body)
    return recordSubscription(deps, body.caller, body.templates)
  })
  app.post('/reminders/local/deliver', async (req) => localDeliver(deps, production, parseBody(LocalDeliverSchema, req.body)))
  app.post('/reminders/local/demo-recipient', async () => ensureDemoRecipient(deps, production))
  app.post('/reminders/inbox', async (req) => {
    const body = parseBody(BackendInboxQuerySchema, req.body)
    return listInbox(deps, production, body.caller, { limit: body.limit, before: body.before, onlyMine: body.onlyMine })
  })
}
