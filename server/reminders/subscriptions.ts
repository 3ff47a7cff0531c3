/** A person's subscribe-message consents: one credit per accepted one-time template, or long-term. */
import type { Caller } from '../../src/core/contracts/common'
import type { SubscriptionsView } from '../../src/core/contracts/reminders'
import { REMINDER_TEMPLATES, TEMPLATE_TITLES, type SubscriptionTemplate } from '../../src/core/reminders/policy'
import { ensureAccount } from '../repositories/accounts'
import { appendAudit } from '../repositories/audit'
import { addAccept, endLongTerm, subscriptionsOfAccount } from '../repositories/subscriptions'
import type { Db } from '../repositories/types'
import type { RemindersDeps } from './deps'

export async function subscriptionsView(db: Db, accountId: string): Promise<SubscriptionsView> {
  const rows = new Map((await subscriptionsOfAccount(db, accountId)).map((r) => [r.template, r]))
  return {
    // The reminders' three (the 订阅提醒 card); 申诉进度通知 is asked for and used by the appeal alone.
    subscriptions: REMINDER_TEMPLATES.map((kind) => ({
      kind,
      title: TEMPLATE_TITLES[kind],
      credits: rows.get(kind)?.credits ?? 0,
      longTerm: rows.get(kind)?.long_term === 1,
    })),
  }
}

export async function recordSubscription(deps: RemindersDeps, caller: Caller, templates: { kind: SubscriptionTemplate; accepted: boolean }[]): Promise<SubscriptionsView> {
  const { ctx, config } = deps
  const now = ctx.clock().toISOString()
  return ctx.db.transaction().execute(async (trx) => {
    const accountId = await ensureAccount(trx, caller, now)
    if (templates.length === 0) return subscriptionsView(trx, accountId)
    for (const t of templates) {
      const longTerm = config.longTerm.includes(t.kind)
      if (t.accepted) await addAccept(trx, accountId, t.kind, longTerm, now)
      else if (longTerm) await endLongTerm(trx, accountId, t.kind, now)
    }
    await appendAudit(trx, {
      at: now,
      actorType: 'account',
      actorRef: accountId,
      action: 'reminders.subscription_recorded',
      detail: { accepted: templates.filter((t) => t.accepted).map((t) => t.kind).join(','), rejected: templates.filter((t) => !t.accepted).map((t) => t.kind).join(',') },
    })
    return subscriptionsView(trx, accountId)
  })
}
