import type { SubscriptionsView } from '../../src/core/contracts/reminders'
import { ensureAccount } from '../repositories/accounts'
import { subscriptionsOfAccount } from '../repositories/subscriptions'
import { addRelative } from '../services/relatives'
import { refuseInProduction, type RemindersDeps } from './deps'
import { recordSubscription, subscriptionsView } from './subscriptions'

/**
 * Local demo only: a fictional relative account (local:demo_family_reminders) linked to 刘德福
 * (demo roster, never certified → due in the month the roster was loaded) with one credit for
 * 认证到期提醒 and one for 家人认证完成通知, so the first local run shows a message in the 消息发件箱.
 * A relative link blocks nobody: anyone can still bind 刘德福 as 本人 or add him as a relative.
 * Idempotent: credits are given only when the account has no subscription yet.
 */
export const DEMO_RECIPIENT = {
  caller: { platform: 'local' as const, openid: 'demo_family_reminders' },
  name: '刘德福',
  idNumber: '110101193809170532',
}

export async function ensureDemoRecipient(deps: RemindersDeps, production: boolean): Promise<{ created: boolean; subscriptions: SubscriptionsView }> {
  refuseInProduction(production)
  const { ctx } = deps
  await addRelative(ctx, { caller: DEMO_RECIPIENT.caller, name: DEMO_RECIPIENT.name, idNumber: DEMO_RECIPIENT.idNumber, relation: 'other' })
  const accountId = await ensureAccount(ctx.db, DEMO_RECIPIENT.caller, ctx.clock().toISOString())
  const existing = await subscriptionsOfAccount(ctx.db, accountId)
  if (existing.length > 0) return { created: false, subscriptions: await subscriptionsView(ctx.db, accountId) }
  return {
    created: true,
    subscriptions: await recordSubscription(deps, DEMO_RECIPIENT.caller, [
      { kind: 'certDue', accepted: true },
      { kind: 'relativeCertified', accepted: true },
    ]),
  }
}
