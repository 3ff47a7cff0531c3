/**
 * /v1/reminders/… (signed, like every /v1 route): docs/backend-api.md § reminders.
 *   sweep, claim, attempt, ack, stats   — the sender (cloud function sendReminders / local scheduler)
 *   subscriptions                       — recordSubscription (a person's accepts)
 *   local/deliver, inbox                — the local openapi adapter and the 消息发件箱 (refused in production)
 */
import type { FastifyPluginAsync } from 'fastify'
import { route } from '../../http/endpoint'
import type { RemindersConfig } from '../../reminders/config'
import { ack, attempt } from '../../reminders/ack'
import { claim } from '../../reminders/claim'
import { ensureDemoRecipient } from '../../reminders/demo'
import type { RemindersDeps } from '../../reminders/deps'
import { listInbox, localDeliver } from '../../reminders/inbox'
import { stats } from '../../reminders/stats'
import { recordSubscription } from '../../reminders/subscriptions'
import { sweep } from '../../reminders/sweep'
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
  route(app, 'sweepReminders', async (body) => {
    const view = await sweep(deps, body.day, body.force)
    if (!view.skipped) app.log.info({ day: view.day, inserted: view.inserted, byKind: view.byKind, ms: view.ms }, 'reminder sweep')
    return view
  })
  route(app, 'claimReminders', (body) => claim(deps, body.batchSize, body.leaseMs))
  route(app, 'attemptReminders', (body) => attempt(deps, body.claimToken, body.ids))
  route(app, 'ackReminders', (body) => ack(deps, body.claimToken, body.results))
  route(app, 'reminderStats', () => stats(deps))
  route(app, 'recordSubscription', (body) => recordSubscription(deps, body.caller, body.templates))
  route(app, 'localDeliver', (body) => localDeliver(deps, production, body))
  route(app, 'demoRecipient', () => ensureDemoRecipient(deps, production))
  route(app, 'listInbox', (body) => listInbox(deps, production, body.caller, { limit: body.limit, before: body.before, onlyMine: body.onlyMine }))
}
