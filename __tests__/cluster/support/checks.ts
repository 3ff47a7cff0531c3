/** What the database holds after a cluster run, read with the test's own connection. */
import { sql } from 'kysely'
import type { Store } from '../../../server/db/connect'

export interface AckedBind {
  openid: string
  personNo: string
}

export interface AckedCompletion {
  openid: string
  personNo: string
  sessionId: string
  recordId: string
}

export interface Tally {
  checked: number
  lost: number
  duplicated: number
}

/** Each acknowledged 绑定 is one active self binding of that account to that person, exactly once. */
export async function tallyBinds(store: Store, acked: AckedBind[]): Promise<Tally> {
  const rows = await store.db
    .selectFrom('bindings as b')
    .innerJoin('accounts as a', 'a.id', 'b.account_id')
    .innerJoin('persons as p', 'p.id', 'b.person_id')
    .select(['a.openid', 'p.person_no'])
    .where('b.relation', '=', 'self')
    .where('b.unbound_at', 'is', null)
    .execute()
  const seen = new Map<string, number>()
  for (const r of rows) seen.set(`${r.openid}|${r.person_no}`, (seen.get(`${r.openid}|${r.person_no}`) ?? 0) + 1)
  // A person bound as 本人 to two accounts, or an account to two persons, is a duplicate too.
  const perPerson = new Map<string, number>()
  for (const r of rows) perPerson.set(r.person_no, (perPerson.get(r.person_no) ?? 0) + 1)
  let lost = 0
  let duplicated = [...perPerson.values()].filter((n) => n > 1).length
  for (const a of acked) {
    const n = seen.get(`${a.openid}|${a.personNo}`) ?? 0
    if (n === 0) lost++
    if (n > 1) duplicated++
  }
  return { checked: acked.length, lost, duplicated }
}

/**
 * Each acknowledged completion is its record, exactly once: the record exists, its session points at
 * it, and the person has no other certification record from a phone (each person certified once).
 */
export async function tallyCompletions(store: Store, acked: AckedCompletion[]): Promise<Tally> {
  let lost = 0
  let duplicated = 0
  for (const a of acked) {
    const record = await store.db.selectFrom('certification_records').select(['id', 'person_id']).where('id', '=', a.recordId).executeTakeFirst()
    const session = await store.db.selectFrom('certification_sessions').select(['record_id']).where('id', '=', a.sessionId).executeTakeFirst()
    if (!record || session?.record_id !== a.recordId) lost++
    const person = await store.db.selectFrom('persons').select('id').where('person_no', '=', a.personNo).executeTakeFirstOrThrow()
    const phoneRecords = await store.db
      .selectFrom('certification_records')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('person_id', '=', person.id)
      .where('channel', 'in', ['h5', 'weapp'])
      .executeTakeFirstOrThrow()
    if (Number(phoneRecords.n) > 1) duplicated++
  }
  return { checked: acked.length, lost, duplicated }
}

/** Each acknowledged subscription is one credit row of that account, exactly once. */
export async function tallySubscriptions(store: Store, openids: string[]): Promise<Tally> {
  const rows = await store.db
    .selectFrom('reminder_subscriptions as s')
    .innerJoin('accounts as a', 'a.id', 's.account_id')
    .select(['a.openid'])
    .where('s.template', '=', 'certDue')
    .execute()
  const seen = new Map<string, number>()
  for (const r of rows) seen.set(r.openid, (seen.get(r.openid) ?? 0) + 1)
  return {
    checked: openids.length,
    lost: openids.filter((o) => !seen.get(o)).length,
    duplicated: openids.filter((o) => (seen.get(o) ?? 0) > 1).length,
  }
}

export async function outboxByStatus(store: Store): Promise<Record<string, number>> {
  const rows = await store.db.selectFrom('reminder_outbox').select(['status', (eb) => eb.fn.countAll().as('n')]).groupBy('status').execute()
  return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]))
}

export async function dueRowsInOutbox(store: Store): Promise<number> {
  const r = await store.db.selectFrom('reminder_outbox').select((eb) => eb.fn.countAll().as('n')).where('kind', 'not in', ['result', 'relative_result']).executeTakeFirstOrThrow()
  return Number(r.n)
}

/** Messages the local sender delivered more than once (same recipient, template and content). */
export async function inboxDuplicates(store: Store): Promise<{ messages: number; duplicated: number }> {
  const total = await store.db.selectFrom('local_message_inbox').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()
  const dup = await sql<{ n: string }>`select count(*) as n from (select touser, template_id, data from local_message_inbox group by touser, template_id, data having count(*) > 1) d`.execute(store.db)
  return { messages: Number(total.n), duplicated: Number(dup.rows[0]?.n ?? 0) }
}
