/** ensureAccount: an account is created once; last_seen_at is written at most once per LAST_SEEN_RESOLUTION_MS. */
import { migrateToLatest } from '../../../server/db/migrate'
import { accountWithSelfPerson, ensureAccount, lastSeenIsFresh, LAST_SEEN_RESOLUTION_MS } from '../../../server/repositories/accounts'
import { accountAndPerson } from '../../../server/services/account'
import type { ServiceContext } from '../../../server/services/context'
import { createTestStore, DIALECTS, STORE_SETUP_TIMEOUT_MS, type TestStore } from '../../support/db'
import { DEMO } from '../helpers/demo'
import { newCaller, startHarness } from '../helpers/harness'

jest.setTimeout(60_000)

const at = (ms: number) => new Date(Date.parse('2026-11-27T02:00:00.000Z') + ms).toISOString()

describe.each(DIALECTS)('accounts on %s', (dialect) => {
  let t: TestStore
  beforeAll(async () => {
    t = await createTestStore(dialect)
    await migrateToLatest(t.store)
  }, STORE_SETUP_TIMEOUT_MS)
  afterAll(async () => {
    await t?.close()
  })

  const lastSeen = async (id: string) => (await t.store.db.selectFrom('accounts').select('last_seen_at').where('id', '=', id).executeTakeFirstOrThrow()).last_seen_at

  it('creates the account once, even when first seen by concurrent requests', async () => {
    const caller = { platform: 'local' as const, openid: `acc_${dialect}_concurrent` }
    const ids = await Promise.all(Array.from({ length: 5 }, () => ensureAccount(t.store.db, caller, at(0))))
    expect(new Set(ids).size).toBe(1)
    const rows = await t.store.db.selectFrom('accounts').select('id').where('openid', '=', caller.openid).execute()
    expect(rows).toHaveLength(1)
  })

  it('writes last_seen_at only when the stored time is older than the resolution', async () => {
    const caller = { platform: 'local' as const, openid: `acc_${dialect}_debounce` }
    const id = await ensureAccount(t.store.db, caller, at(0))
    expect(await lastSeen(id)).toBe(at(0))
    expect(await ensureAccount(t.store.db, caller, at(LAST_SEEN_RESOLUTION_MS - 1))).toBe(id)
    expect(await lastSeen(id)).toBe(at(0))
    expect(await ensureAccount(t.store.db, caller, at(LAST_SEEN_RESOLUTION_MS + 1))).toBe(id)
    expect(await lastSeen(id)).toBe(at(LAST_SEEN_RESOLUTION_MS + 1))
    // A late request with an older clock never moves it back.
    expect(await ensureAccount(t.store.db, caller, at(2))).toBe(id)
    expect(await lastSeen(id)).toBe(at(LAST_SEEN_RESOLUTION_MS + 1))
  })

  it('a read of the account writes last_seen_at only once it is older than the resolution', async () => {
    const caller = { platform: 'local' as const, openid: `acc_${dialect}_read` }
    const id = await ensureAccount(t.store.db, caller, at(0))
    const ctx = { db: t.store.db, clock: () => new Date(at(0)) } as unknown as ServiceContext
    expect((await accountAndPerson(ctx, caller, at(LAST_SEEN_RESOLUTION_MS))).accountId).toBe(id)
    expect(await lastSeen(id)).toBe(at(0))
    expect((await accountAndPerson(ctx, caller, at(LAST_SEEN_RESOLUTION_MS + 1))).accountId).toBe(id)
    expect(await lastSeen(id)).toBe(at(LAST_SEEN_RESOLUTION_MS + 1))
  })
})

describe('lastSeenIsFresh', () => {
  it('says what touchLastSeen decides: fresh up to the resolution, stale beyond it, whatever the order of calls', () => {
    for (const now of [at(LAST_SEEN_RESOLUTION_MS), at(LAST_SEEN_RESOLUTION_MS + 1), at(LAST_SEEN_RESOLUTION_MS), at(0)]) {
      const nowMs = Date.parse(now)
      expect(lastSeenIsFresh(new Date(nowMs - LAST_SEEN_RESOLUTION_MS).toISOString(), now)).toBe(true)
      expect(lastSeenIsFresh(new Date(nowMs - LAST_SEEN_RESOLUTION_MS - 1).toISOString(), now)).toBe(false)
      expect(lastSeenIsFresh(now, now)).toBe(true)
    }
  })
})

describe.each(DIALECTS)('accountWithSelfPerson on %s', (dialect) => {
  it('finds the account and its bound 本人 in one query; nobody before binding and after unbinding', async () => {
    const h = await startHarness(dialect)
    try {
      const caller = newCaller()
      expect(await accountWithSelfPerson(h.test.store.db, caller)).toBeUndefined()
      const id = await ensureAccount(h.test.store.db, caller, at(0))
      expect(await accountWithSelfPerson(h.test.store.db, caller)).toEqual({ id, lastSeenAt: at(0) })
      expect((await h.post('/v1/bindings/manual', { caller, ...DEMO.wang })).statusCode).toBe(200)
      const bound = await accountWithSelfPerson(h.test.store.db, caller)
      expect(bound?.id).toBe(id)
      const person = await h.test.store.db.selectFrom('persons').selectAll().where('id', '=', bound!.person!.id).executeTakeFirstOrThrow()
      expect(bound?.person).toEqual(person)
      expect(person.person_no).toBe('DEMO0001')
      expect((await h.post('/v1/bindings/unbind', { caller })).statusCode).toBe(200)
      expect((await accountWithSelfPerson(h.test.store.db, caller))?.person).toBeUndefined()
    } finally {
      await h.close()
    }
  }, STORE_SETUP_TIMEOUT_MS)
})
