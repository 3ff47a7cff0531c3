/**
 * The reminder routes of the backend, added to the shared BackendRoutes map by declaration merging
 * (so _shared/ports.ts stays as it is). Type-only.
 */
import type {
  AckView,
  AttemptView,
  ClaimView,
  InboxView,
  LocalDeliverView,
  ReminderStatsView,
  SubscriptionsView,
  SweepView,
} from '../../src/core/contracts/reminders'

declare module '../_shared/ports' {
  interface BackendRoutes {
    '/v1/reminders/sweep': SweepView
    '/v1/reminders/claim': ClaimView
    '/v1/reminders/attempt': AttemptView
    '/v1/reminders/ack': AckView
    '/v1/reminders/stats': ReminderStatsView
    '/v1/reminders/subscriptions': SubscriptionsView
    '/v1/reminders/local/deliver': LocalDeliverView
    '/v1/reminders/inbox': InboxView
    '/v1/reminders/local/demo-recipient': { created: boolean; subscriptions: SubscriptionsView }
  }
}

export {}
