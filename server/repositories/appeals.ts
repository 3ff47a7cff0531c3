/** 我要申诉 / 申请上门认证 in SQL (migration 018), and the outbox rows that tell people of each change. */
import { sql, type Insertable, type Selectable } from 'kysely'
import { OPEN_APPEAL_STATES } from '../../src/core/contracts/appeals'
import type { AppealsTable, Dialect } from '../db/schema'
import { bulkRowIds } from './bulk-row-ids'
import type { Db } from './types'

export type AppealRow = Selectable<AppealsTable>

export async function insertAppeal(db: Db, row: Insertable<AppealsTable>): Promise<void> {
  await db.insertInto('appeals').values(row).execute()
}

export async function findOpenAppealOfPerson(db: Db, personId: string): Promise<AppealRow | undefined> {
  return db.selectFrom('appeals').selectAll().where('person_id', '=', personId).where('state', 'in', [...OPEN_APPEAL_STATES]).executeTakeFirst()
}

/** The open appeal, else the newest closed one. */
export async function latestAppealOfPerson(db: Db, personId: string): Promise<AppealRow | undefined> {
  const open = await findOpenAppealOfPerson(db, personId)
  if (open) return open
  return db.selectFrom('appeals').selectAll().where('person_id', '=', personId).orderBy('created_at', 'desc').orderBy('id', 'desc').limit(1).executeTakeFirst()
}

export async function findAppealById(db: Db, appealId: string): Promise<AppealRow | undefined> {
  return db.selectFrom('appeals').selectAll().where('id', '=', appealId).executeTakeFirst()
}

/** The subscribe-message template of appeal updates (src/core/reminders/policy.ts). */
export const APPEAL_TEMPLATE = 'appealUpdate'
/** Outbox kind; its `cycle` is "<appealId>:<state>", so each state change is queued once per recipient. */
export const APPEAL_OUTBOX_KIND = 'appeal'

/**
 * Queues one appeal-update message per recipient who accepted the template: the person's bound 本人
 * account and every linked relative's account (the filer is one of them). Idempotent per state.
 */
export async function queueAppealNotices(db: Db, dialect: Dialect, s: { appealId: string; personId: string; state: string; now: string }): Promise<number> {
  const cycle = `${s.appealId}:${s.state}`
  let n = 0
  for (const [relation, link] of [
    ['self', sql`select account_id from bindings where person_id = ${s.personId} and relation = 'self' and unbound_at is null`],
    ['relative', sql`select account_id from relatives where person_id = ${s.personId} and removed_at is null`],
  ] as const) {
    const res = await sql`
      insert into reminder_outbox (id, person_id, cycle, kind, recipient_account_id, template, relation, status, attempts, next_attempt_at, credit_held, record_id, created_at, updated_at)
      select ${bulkRowIds(dialect)}, ${s.personId}, ${cycle}, ${APPEAL_OUTBOX_KIND}, l.account_id, ${APPEAL_TEMPLATE}, ${relation}, 'pending', 0, ${s.now}, 0, null, ${s.now}, ${s.now}
      from (${link}) l
      join reminder_subscriptions sub on sub.account_id = l.account_id and sub.template = ${APPEAL_TEMPLATE} and (sub.credits > 0 or sub.long_term = 1)
      on conflict (person_id, cycle, kind, recipient_account_id) do nothing`.execute(db)
    n += Number(res.numAffectedRows ?? 0n)
  }
  return n
}
