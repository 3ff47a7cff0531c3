/**
 * The daily sweep's queueing on both stores, on a day with two kinds due at once (due_30 for December
 * and overdue_1 for November: on PostgreSQL both go in one statement): who is reached through which
 * link and subscription, the same rows on SQLite and PostgreSQL, and two instances sweeping at once
 * insert each reminder once; and a record's result notices, queued right after it (on PostgreSQL as a
 * named statement, planned once per connection).
 */
import { openStore, type Store } from '../../../server/db/connect'
import { migrateToLatest } from '../../../server/db/migrate'
import { defaultRemindersConfig } from '../../../server/reminders/config'
import type { RemindersDeps } from '../../../server/reminders/deps'
import { queueResultNotices, sweep } from '../../../server/reminders/sweep'
import { queueDue } from '../../../server/repositories/outbox'
import type { ServiceContext } from '../../../server/services/context'
import { sql } from 'kysely'
import { createTestStore, DIALECTS, STORE_SETUP_TIMEOUT_MS, type TestStore } from '../../support/db'

const DAY = '2026-12-01'
const NOW = '2026-12-01T02:00:00.000Z'

function deps(store: Store): RemindersDeps {
  const ctx = { db: store.db, dialect: store.dialect, clock: () => new Date(NOW), cyclePolicy: 'rolling12' } as unknown as ServiceContext
  return { ctx, config: defaultRemindersConfig(false), log: { error: () => {}, warn: () => {}, info: () => {} } }
}

async function seed(store: Store): Promise<void> {
  const person = (id: string, last: string | null, enrolled: string, status: 'normal' | 'suspended') => ({
    id,
    person_no: id.toUpperCase(),
    pii_enc: 'x',
    name_masked: '测*',
    id_number_hash: `h-${id}`,
    id_number_masked: 'x',
    insurance_type: 'enterprise' as const,
    employer: '',
    benefit_status: status,
    suspended_since: status === 'suspended' ? '2026-01-01' : null,
    last_certified_on: last,
    roster_certified_on: last,
    region_code: '110101',
    enrolled_on: enrolled,
    key_version: 'v1',
    created_at: NOW,
    updated_at: NOW,
  })
  await store.db
    .insertInto('persons')
    .values([
      person('pa', '2025-12-10', '2020-01-01', 'normal'), // due_30
      person('pb', '2025-12-15', '2020-01-01', 'suspended'), // due_30 is only for paid benefits
      person('pc', '2025-11-20', '2020-01-01', 'suspended'), // overdue_1 reaches suspended persons too
      person('pd', null, '2026-11-05', 'normal'), // never certified, enrolled in November: overdue_1
      person('pe', '2025-10-01', '2020-01-01', 'normal'), // nothing due on this day
      person('pf', null, '2026-12-03', 'normal'), // never certified, enrolled in December: due_30
    ])
    .execute()
  const accounts = ['a', 'b', 'c', 'd', 'e', 'f', 'r', 'r2']
  await store.db
    .insertInto('accounts')
    .values(accounts.map((a) => ({ id: a, platform: 'wechat' as const, openid: `o-${a}`, created_at: NOW, last_seen_at: NOW })))
    .execute()
  const self = (account: string, person: string, unbound: string | null = null) => ({ id: `b-${account}`, account_id: account, person_id: person, relation: 'self' as const, method: 'manual' as const, bound_at: NOW, unbound_at: unbound, created_at: NOW })
  await store.db.insertInto('bindings').values([self('a', 'pa'), self('b', 'pb'), self('c', 'pc'), self('d', 'pd'), self('e', 'pe'), self('f', 'pf', NOW)]).execute()
  const rel = (account: string, person: string) => ({ id: `r-${account}-${person}`, account_id: account, person_id: person, relation: 'father' as const, created_at: NOW, removed_at: null })
  await store.db.insertInto('relatives').values([rel('r', 'pa'), rel('r', 'pf'), rel('r2', 'pd'), rel('r2', 'pe')]).execute()
  const sub = (account: string, credits: number, longTerm = 0) => ({ account_id: account, template: 'certDue', credits, long_term: longTerm, accepted_total: credits, updated_at: NOW })
  // d has no credit left and no long-term subscription: not queued; r is long-term without credits: queued.
  await store.db.insertInto('reminder_subscriptions').values([sub('a', 1), sub('b', 2), sub('c', 1), sub('d', 0), sub('e', 1), sub('f', 1), sub('r', 0, 1), sub('r2', 3)]).execute()
}

const EXPECTED = [
  ['pa', '2026-12', 'due_30', 'a', 'self'],
  ['pa', '2026-12', 'due_30', 'r', 'relative'],
  ['pc', '2026-11', 'overdue_1', 'c', 'self'],
  ['pd', '2026-11', 'overdue_1', 'r2', 'relative'],
  ['pf', '2026-12', 'due_30', 'r', 'relative'],
]

async function queued(store: Store): Promise<string[][]> {
  const rows = await store.db.selectFrom('reminder_outbox').select(['person_id', 'cycle', 'kind', 'recipient_account_id', 'relation', 'status', 'template', 'id']).orderBy('person_id').orderBy('recipient_account_id').execute()
  for (const r of rows) expect(r).toMatchObject({ status: 'pending', template: 'certDue', id: expect.stringMatching(/^[0-9a-f]{32}$/) })
  return rows.map((r) => [r.person_id, r.cycle, r.kind, r.recipient_account_id, r.relation])
}

describe.each(DIALECTS)('daily sweep on %s', (dialect) => {
  let t: TestStore
  beforeAll(async () => {
    t = await createTestStore(dialect)
    await migrateToLatest(t.store)
    await seed(t.store)
  }, STORE_SETUP_TIMEOUT_MS)
  afterAll(async () => t?.close())

  it('queues both kinds due on the day, through 本人 and relatives, only with a credit or long-term subscription', async () => {
    const view = await sweep(deps(t.store), DAY, false)
    expect(view).toMatchObject({ day: DAY, skipped: false, inserted: 5, byKind: { due_30: 3, overdue_1: 2, result: 0, relative_result: 0 } })
    expect(await queued(t.store)).toEqual(EXPECTED)
    expect(await sweep(deps(t.store), DAY, true)).toMatchObject({ inserted: 0, byKind: { due_30: 0, overdue_1: 0 } })
    expect(await queued(t.store)).toEqual(EXPECTED)
  })

  it('two instances sweeping the same day at once insert each reminder once', async () => {
    await t.store.db.deleteFrom('reminder_outbox').execute()
    // PostgreSQL: a second pool, as a second backend instance would have. SQLite is one process's
    // store (better-sqlite3 waits for a lock synchronously, so two handles in one process would
    // block each other): the sweeps race on its one connection.
    const other = dialect === 'postgres' ? openStore({ databaseUrl: t.location, sqlitePath: '', poolSize: 2 }) : t.store
    try {
      const views = await Promise.all([sweep(deps(t.store), DAY, true), sweep(deps(other), DAY, true), sweep(deps(t.store), DAY, true), sweep(deps(other), DAY, true)])
      expect(views.reduce((n, v) => n + v.inserted, 0)).toBe(5)
      expect(await queued(t.store)).toEqual(EXPECTED)
    } finally {
      if (other !== t.store) await other.db.destroy()
    }
  })

  it('a person due under two targets at once gets a row for each; a target without certified persons reaches the never-certified only', async () => {
    // PostgreSQL reads persons once for all targets and matches each row to every target it meets;
    // SQLite runs one statement per target. Both must give what one statement per target gives.
    await t.store.db.deleteFrom('reminder_outbox').execute()
    const added = await queueDue(t.store.db, t.store.dialect, {
      template: 'certDue',
      now: NOW,
      targets: [
        { kind: 'k1', cycle: '2026-12', lastPassBetween: ['2025-12-01', '2025-12-31'], enrolledBetween: ['2026-12-01', '2026-12-31'], normalOnly: false },
        { kind: 'k2', cycle: '2026-12', lastPassBetween: ['2025-12-10', '2025-12-10'], enrolledBetween: ['2027-01-01', '2027-01-31'], normalOnly: true },
        { kind: 'k3', cycle: '2026-11', enrolledBetween: ['2026-11-01', '2026-11-30'], normalOnly: false },
      ],
    })
    expect(added).toEqual({ k1: 4, k2: 2, k3: 1 })
    const rows = (await queued(t.store)).map((r) => r.join(' ')).sort()
    expect(rows).toEqual(
      [
        'pa 2026-12 k1 a self',
        'pa 2026-12 k1 r relative',
        'pa 2026-12 k2 a self',
        'pa 2026-12 k2 r relative',
        'pb 2026-12 k1 b self', // suspended: reached by k1 (not normal-only), not by k2
        'pd 2026-11 k3 r2 relative', // never certified, enrolled in November; d has no credit
        'pf 2026-12 k1 r relative', // f's binding is unbound
      ].sort(),
    )
    // pc (certified in November) is not reached by k3, which has no certified range.
  })

  it('queueing twice in one transaction adds the rows once (PostgreSQL: its temporary table is made again)', async () => {
    await t.store.db.deleteFrom('reminder_outbox').execute()
    const spec = {
      template: 'certDue',
      now: NOW,
      targets: [{ kind: 'k1', cycle: '2026-12', lastPassBetween: ['2025-12-01', '2025-12-31'] as [string, string], enrolledBetween: ['2026-12-01', '2026-12-31'] as [string, string], normalOnly: true }],
    }
    const both = await t.store.db.transaction().execute(async (trx) => [await queueDue(trx, t.store.dialect, spec), await queueDue(trx, t.store.dialect, spec)])
    expect(both).toEqual([{ k1: 3 }, { k1: 0 }])
    expect((await queued(t.store)).map((r) => r.join(' '))).toEqual(['pa 2026-12 k1 a self', 'pa 2026-12 k1 r relative', 'pf 2026-12 k1 r relative'])
  })

  it("a record's result notices go to 本人 and relatives subscribed to them, once however often it is asked", async () => {
    await t.store.db.deleteFrom('reminder_outbox').execute()
    const sub = (account: string, template: string, credits: number, longTerm = 0) => ({ account_id: account, template, credits, long_term: longTerm, accepted_total: credits, updated_at: NOW })
    // a: 本人 of pa with a result credit; r: relative of pa, long-term; r2 (relative of pd) has none
    await t.store.db.insertInto('reminder_subscriptions').values([sub('a', 'certificationResult', 1), sub('r', 'relativeCertified', 0, 1)]).execute()
    const record = (id: string, person: string) => ({ id, person_id: person, certified_at: NOW, result: 'passed' as const, method: 'face' as const, channel: 'weapp' as const, performed_by: 'self' as const, performer_account_id: 'a', created_at: NOW })
    await t.store.db.insertInto('certification_records').values([record('rec-pa', 'pa'), record('rec-pd', 'pd')]).execute()
    // PostgreSQL: one pooled connection, whose prepared statements can then be listed
    const one = dialect === 'postgres' ? openStore({ databaseUrl: t.location, sqlitePath: '', poolSize: 1 }) : t.store
    try {
      expect(await queueResultNotices(deps(one), 'rec-pa')).toBe(2)
      expect(await queueResultNotices(deps(one), 'rec-pa')).toBe(0)
      expect(await queueResultNotices(deps(one), 'rec-pd')).toBe(0)
      const rows = await t.store.db.selectFrom('reminder_outbox').select(['person_id', 'cycle', 'kind', 'recipient_account_id', 'template', 'relation', 'record_id']).orderBy('kind').execute()
      expect(rows).toEqual([
        { person_id: 'pa', cycle: 'rec-pa', kind: 'relative_result', recipient_account_id: 'r', template: 'relativeCertified', relation: 'relative', record_id: 'rec-pa' },
        { person_id: 'pa', cycle: 'rec-pa', kind: 'result', recipient_account_id: 'a', template: 'certificationResult', relation: 'self', record_id: 'rec-pa' },
      ])
      if (dialect === 'postgres') {
        const { rows: prepared } = await sql<{ statement: string }>`select statement from pg_prepared_statements where statement like '%insert into reminder_outbox%'`.execute(one.db)
        expect(prepared).toHaveLength(2) // 本人 and relatives: a text each
      }
    } finally {
      if (one !== t.store) await one.db.destroy()
      await t.store.db.deleteFrom('reminder_outbox').execute()
      await t.store.db.deleteFrom('certification_records').execute()
      await t.store.db.deleteFrom('reminder_subscriptions').where('template', '<>', 'certDue').execute()
    }
  })

  it('a PostgreSQL role that may not create temporary tables sweeps the same rows', async () => {
    if (dialect !== 'postgres') return
    await t.store.db.deleteFrom('reminder_outbox').execute()
    await t.store.db.deleteFrom('reminder_sweeps').execute()
    const role = `sweeper_${process.pid}`
    const database = new URL(t.location).pathname.slice(1)
    await sql.raw(`do $$ begin if not exists (select 1 from pg_roles where rolname = '${role}') then create role ${role} login; end if; end $$`).execute(t.store.db)
    await sql.raw(`grant select, insert, update, delete on all tables in schema public to ${role}`).execute(t.store.db)
    await sql.raw(`revoke temporary on database "${database}" from public`).execute(t.store.db)
    const url = new URL(t.location)
    url.username = role
    const asSweeper = openStore({ databaseUrl: url.toString(), sqlitePath: '', poolSize: 1 })
    try {
      const { rows } = await sql<{ ok: boolean }>`select has_database_privilege(current_database(), 'TEMPORARY') as ok`.execute(asSweeper.db)
      expect(rows[0].ok).toBe(false)
      expect(await sweep(deps(asSweeper), DAY, true)).toMatchObject({ inserted: 5, byKind: { due_30: 3, overdue_1: 2 } })
      expect(await queued(t.store)).toEqual(EXPECTED)
    } finally {
      await asSweeper.db.destroy()
      await sql.raw(`grant temporary on database "${database}" to public`).execute(t.store.db)
      await sql.raw(`drop owned by ${role}`).execute(t.store.db)
      await sql.raw(`drop role if exists ${role}`).execute(t.store.db)
    }
  })
})
