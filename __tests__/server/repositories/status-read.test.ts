/**
 * accountSelfStatus reads in one statement what a status read used two for (accountWithSelfPerson,
 * then latestRecordAndPassOfPerson): it must answer exactly what those two answer, on both stores,
 * for every shape of history — none, the roster date alone or newest, failures after a pass, a review
 * decision with its columns filled, an unbound account, an account not seen yet.
 */
import { Pool } from 'pg'
import { migrateToLatest } from '../../../server/db/migrate'
import { accountWithSelfPerson, ensureAccount } from '../../../server/repositories/accounts'
import { insertSelfBinding, markUnbound } from '../../../server/repositories/bindings'
import { updatePerson } from '../../../server/repositories/persons'
import { insertRecord, latestRecordAndPassOfPerson, NO_RECORD_DETAILS, type RecordRow } from '../../../server/repositories/records'
import { accountSelfStatus } from '../../../server/repositories/status-read'
import { createTestStore, DIALECTS, STORE_SETUP_TIMEOUT_MS, type TestStore } from '../../support/db'
import { addPerson } from '../identity/helpers'

const NOW = '2026-11-27T02:00:00.000Z'

const record = (id: string, personId: string, certifiedAt: string, result: RecordRow['result'], more: Partial<RecordRow> = {}): RecordRow => ({
  id,
  person_id: personId,
  certified_at: certifiedAt,
  result,
  method: 'face',
  channel: 'weapp',
  performed_by: 'self',
  created_at: certifiedAt,
  ...NO_RECORD_DETAILS,
  ...more,
})

describe.each(DIALECTS)('the status read in one statement on %s', (dialect) => {
  let t: TestStore
  beforeAll(async () => {
    t = await createTestStore(dialect)
    await migrateToLatest(t.store)
  }, STORE_SETUP_TIMEOUT_MS)
  afterAll(async () => t?.close())

  /** A person bound as 本人 to a new account, with `history` written first. */
  async function bound(no: string, history: (personId: string) => RecordRow[], rosterDate?: string) {
    const personId = await addPerson(t, no)
    if (rosterDate) await updatePerson(t.store.db, personId, { roster_certified_on: rosterDate })
    for (const r of history(personId)) await insertRecord(t.store.db, r)
    const caller = { platform: 'local' as const, openid: `local_status_${no}` }
    const accountId = await ensureAccount(t.store.db, caller, NOW)
    const binding = await insertSelfBinding(t.store.db, accountId, personId, 'manual', NOW)
    return { caller, accountId, personId, binding }
  }

  /** Both ways agree, and the one-statement way's answer. */
  async function agreed(caller: { platform: 'local'; openid: string }) {
    const one = await accountSelfStatus(t.store.db, caller)
    const apart = await accountWithSelfPerson(t.store.db, caller)
    expect(one?.id).toBe(apart?.id)
    expect(one?.lastSeenAt).toBe(apart?.lastSeenAt)
    expect(one?.self?.person).toEqual(apart?.person)
    if (apart?.person) expect(one?.self?.records).toEqual(await latestRecordAndPassOfPerson(t.store.db, apart.person))
    return one
  }

  it('a person with no history, and one with the roster date alone', async () => {
    const none = await bound('S1', () => [])
    expect((await agreed(none.caller))?.self?.records).toEqual({})
    const roster = await bound('S2', () => [], '2026-03-05')
    expect((await agreed(roster.caller))?.self?.records).toMatchObject({ latest: { id: `roster-${roster.personId}`, result: 'passed', method: 'legacy' } })
  })

  it('the newest record and the newest pass, in-app and from the roster, every column as stored', async () => {
    const a = await bound('S3', (p) => [
      record(`${p}-pass`, p, '2026-05-01T03:00:00.000Z', 'passed'),
      record(`${p}-fail`, p, '2026-07-01T03:00:00.000Z', 'failed', { performed_by: 'relative', performer_relation: 'daughter', via: 'share' }),
    ])
    const one = await agreed(a.caller)
    expect(one?.self?.records.latest).toEqual(record(`${a.personId}-fail`, a.personId, '2026-07-01T03:00:00.000Z', 'failed', { performed_by: 'relative', performer_relation: 'daughter', via: 'share' }))
    expect(one?.self?.records.lastPass?.id).toBe(`${a.personId}-pass`)

    // The roster date newer than every in-app record takes the newest place; the in-app pass stays.
    const b = await bound('S4', (p) => [record(`${p}-pass`, p, '2026-05-01T03:00:00.000Z', 'passed')], '2026-09-01')
    expect((await agreed(b.caller))?.self?.records).toMatchObject({ latest: { id: `roster-${b.personId}` }, lastPass: { id: `${b.personId}-pass` } })

    // A reviewed record with its decision columns filled, and two records at the same time (ordered by id).
    const c = await bound('S5', (p) => [
      record(`${p}-a`, p, '2026-08-01T03:00:00.000Z', 'failed'),
      record(`${p}-b`, p, '2026-08-01T03:00:00.000Z', 'passed', { method: 'counter', decided_at: NOW, decided_by: 'clerk-1', decision_reason: 'photo_ok', decision_note: '本人到场核实' }),
    ])
    const reviewed = await agreed(c.caller)
    expect(reviewed?.self?.records.latest).toMatchObject({ id: `${c.personId}-b`, decided_by: 'clerk-1', decision_note: '本人到场核实' })
  })

  it('many reads in one turn each get their own answer (PostgreSQL: one statement reads them all)', async () => {
    const people = [
      await bound('S7', () => []),
      await bound('S8', (p) => [record(`${p}-pass`, p, '2026-05-01T03:00:00.000Z', 'passed')]),
      await bound('S9', (p) => [record(`${p}-fail`, p, '2026-06-01T03:00:00.000Z', 'failed')], '2026-02-01'),
    ]
    const unbound = await bound('S10', () => [])
    await markUnbound(t.store.db, unbound.binding.id, NOW)
    const callers = [...people.map((p) => p.caller), unbound.caller, { platform: 'local' as const, openid: 'local_nobody_S11' }]
    const oneByOne: Awaited<ReturnType<typeof accountSelfStatus>>[] = []
    for (const c of callers) oneByOne.push(await accountSelfStatus(t.store.db, c))
    expect(oneByOne.filter((r) => r?.self).length).toBe(3)

    const query = jest.spyOn(Pool.prototype, 'query')
    try {
      // Each caller twice, in mixed order, all asked before any answer.
      const asked = [...callers, ...callers.slice().reverse()]
      const together = await Promise.all(asked.map((c) => accountSelfStatus(t.store.db, c)))
      asked.forEach((c, i) => expect(together[i]).toEqual(oneByOne[callers.indexOf(c)]))
      const batched = query.mock.calls.filter(([q]) => typeof q === 'object' && q !== null && String((q as { text?: string }).text).includes('unnest('))
      expect(batched.length).toBe(dialect === 'postgres' ? 1 : 0)
    } finally {
      query.mockRestore()
    }
  })

  it('an account bound to nobody, after unbinding, and one not seen yet', async () => {
    const d = await bound('S6', (p) => [record(`${p}-pass`, p, '2026-05-01T03:00:00.000Z', 'passed')])
    await markUnbound(t.store.db, d.binding.id, NOW)
    const unbound = await agreed(d.caller)
    expect(unbound).toEqual({ id: d.accountId, lastSeenAt: NOW })
    expect(await accountSelfStatus(t.store.db, { platform: 'local', openid: 'local_never_seen' })).toBeUndefined()
  })
})
