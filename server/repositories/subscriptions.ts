/** Subscribe-message credits per account and template (reminder_subscriptions). */
import type { Selectable } from 'kysely'
import type { ReminderSubscriptionsTable } from '../db/schema'
import type { Db } from './types'

export type SubscriptionRow = Selectable<ReminderSubscriptionsTable>

export async function subscriptionsOfAccount(db: Db, accountId: string): Promise<SubscriptionRow[]> {
  return db.selectFrom('reminder_subscriptions').selectAll().where('account_id', '=', accountId).execute()
}

/** One accept: +1 credit (one-time) and/or the long-term flag. */
export async function addAccept(db: Db, accountId: string, template: string, longTerm: boolean, now: string): Promise<void> {
  await db
    .insertInto('reminder_subscriptions')
    .values({ account_id: accountId, template, credits: 1, long_term: longTerm ? 1 : 0, accepted_total: 1, updated_at: now })
    .onConflict((oc) =>
      oc.columns(['account_id', 'template']).doUpdateSet((eb) => ({
        credits: eb('reminder_subscriptions.credits', '+', 1),
        long_term: longTerm ? 1 : eb.ref('reminder_subscriptions.long_term'),
        accepted_total: eb('reminder_subscriptions.accepted_total', '+', 1),
        updated_at: now,
      })),
    )
    .execute()
}

/** A refusal in the dialog ends a long-term subscription; one-time credits already given stay. */
export async function endLongTerm(db: Db, accountId: string, template: string, now: string): Promise<void> {
  await db.updateTable('reminder_subscriptions').set({ long_term: 0, updated_at: now }).where('account_id', '=', accountId).where('template', '=', template).execute()
}

/** WeChat answered 43101 (refused / no credit): nothing may be sent until the person accepts again. */
export async function clearSubscription(db: Db, accountId: string, template: string, now: string): Promise<void> {
  await db.updateTable('reminder_subscriptions').set({ credits: 0, long_term: 0, updated_at: now }).where('account_id', '=', accountId).where('template', '=', template).execute()
}

/** Takes one credit if there is one; true when taken. */
export async function takeCredit(db: Db, accountId: string, template: string, now: string): Promise<boolean> {
  const r = await db
    .updateTable('reminder_subscriptions')
    .set((eb) => ({ credits: eb('credits', '-', 1), updated_at: now }))
    .where('account_id', '=', accountId)
    .where('template', '=', template)
    .where('credits', '>', 0)
    .executeTakeFirst()
  return Number(r.numUpdatedRows) > 0
}

export async function refundCredit(db: Db, accountId: string, template: string, now: string): Promise<void> {
  await db
    .updateTable('reminder_subscriptions')
    .set((eb) => ({ credits: eb('credits', '+', 1), updated_at: now }))
    .where('account_id', '=', accountId)
    .where('template', '=', template)
    .execute()
}
