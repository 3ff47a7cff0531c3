/** limit_counters on both stores: the conditional upsert never lets more than `max` through, even from two connections at once. */
import type { Store } from '../../../server/db/connect'
import { migrateToLatest } from '../../../server/db/migrate'
import { giveBackUnit, purgeExpiredCounters, takeUnit, unitsTaken } from '../../../server/repositories/limit-counters'
import { createTestStore, DIALECTS, STORE_SETUP_TIMEOUT_MS, type TestStore, openSecondHandle } from '../../support/db'

jest.setTimeout(60_000)

const LATER = '2030-01-01T00:00:00.000Z'

describe.each(DIALECTS)('limit counters on %s', (dialect) => {
  let t: TestStore
  let other: Store
  beforeAll(async () => {
    t = await createTestStore(dialect)
    await migrateToLatest(t.store)
    // A second handle on the same store: its own connection(s), as another instance would have.
    other = openSecondHandle(t)
  }, STORE_SETUP_TIMEOUT_MS)
  afterAll(async () => {
    await other?.db.destroy()
    await t?.close()
  })

  it('takes units up to the maximum, then refuses; a unit given back can be taken again', async () => {
    const slot = { key: 'test:a', bucket: 'd2026-11-27' }
    const taken: boolean[] = []
    for (let i = 0; i < 4; i++) taken.push(await takeUnit(t.store.db, slot, 3, LATER))
    expect(taken).toEqual([true, true, true, false])
    expect(await unitsTaken(t.store.db, slot)).toBe(3)
    await giveBackUnit(t.store.db, slot)
    expect(await unitsTaken(t.store.db, slot)).toBe(2)
    expect(await takeUnit(t.store.db, slot, 3, LATER)).toBe(true)
    expect(await takeUnit(t.store.db, slot, 3, LATER)).toBe(false)
    // Another bucket or key counts on its own.
    expect(await takeUnit(t.store.db, { key: 'test:a', bucket: 'd2026-11-28' }, 3, LATER)).toBe(true)
    expect(await takeUnit(t.store.db, { key: 'test:b', bucket: 'd2026-11-27' }, 3, LATER)).toBe(true)
  })

  it('never goes below zero, and a maximum under 1 takes nothing', async () => {
    const slot = { key: 'test:zero', bucket: 'd2026-11-27' }
    await giveBackUnit(t.store.db, slot)
    expect(await takeUnit(t.store.db, slot, 1, LATER)).toBe(true)
    await giveBackUnit(t.store.db, slot)
    await giveBackUnit(t.store.db, slot)
    expect(await unitsTaken(t.store.db, slot)).toBe(0)
    expect(await takeUnit(t.store.db, { key: 'test:none', bucket: 'x' }, 0, LATER)).toBe(false)
  })

  it('40 takes at once from two connections with a maximum of 7: exactly 7 succeed', async () => {
    const slot = { key: 'test:race', bucket: 'd2026-11-27' }
    const dbs = [t.store.db, other.db]
    const results = await Promise.all(Array.from({ length: 40 }, (_, i) => takeUnit(dbs[i % 2], slot, 7, LATER)))
    expect(results.filter(Boolean)).toHaveLength(7)
    expect(await unitsTaken(t.store.db, slot)).toBe(7)
  })

  it('purges windows that are over, in batches, and keeps the rest', async () => {
    for (let i = 0; i < 5; i++) await takeUnit(t.store.db, { key: `test:old${i}`, bucket: 'd2026-11-20' }, 5, '2026-11-21T00:00:00.000Z')
    await takeUnit(t.store.db, { key: 'test:current', bucket: 'd2026-11-27' }, 5, '2026-11-28T00:00:00.000Z')
    expect(await purgeExpiredCounters(t.store.db, '2026-11-27T10:00:00.000Z', 3)).toBe(3)
    expect(await purgeExpiredCounters(t.store.db, '2026-11-27T10:00:00.000Z', 3)).toBe(2)
    expect(await purgeExpiredCounters(t.store.db, '2026-11-27T10:00:00.000Z', 3)).toBe(0)
    expect(await unitsTaken(t.store.db, { key: 'test:current', bucket: 'd2026-11-27' })).toBe(1)
  })
})
