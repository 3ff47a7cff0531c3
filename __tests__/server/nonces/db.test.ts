/**
 * DbNonceStore on both stores: nonces recorded in batches (one INSERT for many) stay shared, so a nonce
 * used through one instance is refused through another, and of a nonce raced on two instances exactly
 * one use is accepted. Purging removes expired rows only, in small batches.
 */
import { sql } from 'kysely'
import type { Store } from '../../../server/db/connect'
import { migrateToLatest } from '../../../server/db/migrate'
import { DbNonceStore } from '../../../server/nonces/db'
import { countNonces, purgeExpiredNonces } from '../../../server/repositories/nonces'
import { createTestStore, DIALECTS, STORE_SETUP_TIMEOUT_MS, type TestStore, openSecondHandle } from '../../support/db'

jest.setTimeout(60_000)

const NOW = new Date('2026-11-27T02:00:00.000Z')
const LATER = new Date(NOW.getTime() + 5 * 60_000)

describe.each(DIALECTS)('DbNonceStore on %s', (dialect) => {
  let t: TestStore
  let other: Store
  let a: DbNonceStore
  let b: DbNonceStore
  beforeAll(async () => {
    t = await createTestStore(dialect)
    await migrateToLatest(t.store)
    // A second handle on the same store: its own connection(s), as another instance would have.
    other = openSecondHandle(t)
    a = new DbNonceStore(t.store.db, { purgeEveryMs: 0, clock: () => NOW })
    b = new DbNonceStore(other.db, { purgeEveryMs: 0, clock: () => NOW })
  }, STORE_SETUP_TIMEOUT_MS)
  afterAll(async () => {
    await a?.close()
    await b?.close()
    await other?.db.destroy()
    await t?.close()
  })

  it('refuses a nonce used on one instance when it comes again to the other', async () => {
    expect(await a.use('req:k1:first-nonce-0001', LATER, NOW)).toBe(true)
    expect(await b.use('req:k1:first-nonce-0001', LATER, NOW)).toBe(false)
    expect(await a.use('req:k1:first-nonce-0001', LATER, NOW)).toBe(false)
  })

  it('answers each of many concurrent nonces, and a nonce raced on both instances is accepted once', async () => {
    const distinct = Array.from({ length: 300 }, (_, i) => `req:k1:many-${String(i).padStart(6, '0')}`)
    const raced = Array.from({ length: 40 }, (_, i) => `req:k1:raced-${String(i).padStart(6, '0')}`)
    const [fresh, onA, onB, twiceOnA] = await Promise.all([
      Promise.all(distinct.map((n, i) => (i % 2 ? a : b).use(n, LATER, NOW))),
      Promise.all(raced.map((n) => a.use(n, LATER, NOW))),
      Promise.all(raced.map((n) => b.use(n, LATER, NOW))),
      // The same nonce twice in one batch of one instance.
      Promise.all([a.use('req:k1:same-batch-0001', LATER, NOW), a.use('req:k1:same-batch-0001', LATER, NOW)]),
    ])
    expect(fresh.every((x) => x)).toBe(true)
    raced.forEach((_, i) => expect(Number(onA[i]) + Number(onB[i])).toBe(1))
    expect(twiceOnA.filter((x) => x)).toHaveLength(1)
  })

  it('puts nonces that arrive in separate callbacks of one event-loop turn into one INSERT', async () => {
    // As requests read from different sockets in one turn: each use() from its own callback. SQLite's
    // driver answers at once, so a store that started inserting straight away would commit each alone.
    // Every statement the store runs goes through `writes` (the batch is SQL text, not a Kysely tree).
    const inserts: string[] = []
    const counting = new DbNonceStore(t.store.db, {
      purgeEveryMs: 0,
      clock: () => NOW,
      writes: {
        run: (query) => {
          const { sql } = query.compile()
          if (/^insert\b/i.test(sql)) inserts.push(sql)
          return query.execute()
        },
      },
    })
    const nonces = Array.from({ length: 20 }, (_, i) => `req:k1:one-turn-${String(i).padStart(6, '0')}`)
    const answers = await Promise.all(nonces.map((n) => new Promise<boolean>((resolve, reject) => setImmediate(() => counting.use(n, LATER, NOW).then(resolve, reject)))))
    await counting.close()
    expect(answers.every((x) => x)).toBe(true)
    expect(inserts).toHaveLength(1)
    expect(await b.use(nonces[7], LATER, NOW)).toBe(false)
  })

  it('records a nonce that a caller resumed by the previous answer sends at once (before that flush is marked finished)', async () => {
    const store = new DbNonceStore(t.store.db, { purgeEveryMs: 0, clock: () => NOW })
    expect(await store.use('req:k1:resumed-000001', LATER, NOW)).toBe(true)
    // this continuation runs in the microtasks right after the answer: the flush that gave it has taken its last look at the queue
    let answer: boolean | undefined
    const second = store.use('req:k1:resumed-000002', LATER, NOW).then((fresh) => (answer = fresh))
    await store.close()
    expect(answer).toBe(true)
    await second
    expect(await b.use('req:k1:resumed-000002', LATER, NOW)).toBe(false)
  })

  it('purges expired nonces in batches and keeps the live ones', async () => {
    const before = await countNonces(t.store.db)
    const past = new Date(NOW.getTime() - 1000)
    await Promise.all(Array.from({ length: 25 }, (_, i) => a.use(`req:k1:expired-${String(i).padStart(6, '0')}`, past, NOW)))
    expect(await countNonces(t.store.db)).toBe(before + 25)
    // One bounded statement takes at most its limit.
    expect(await purgeExpiredNonces(t.store.db, NOW.toISOString(), 10)).toBe(10)
    await new DbNonceStore(t.store.db, { purgeEveryMs: 0, purgeBatch: 7, clock: () => NOW }).purgeNow()
    expect(await countNonces(t.store.db)).toBe(before)
    // A purged nonce had expired: its signature window is closed, so it is not a live replay.
    expect(await b.use('req:k1:first-nonce-0001', LATER, NOW)).toBe(false)
  })
})

describe('used_nonces on postgres', () => {
  it('is UNLOGGED after migration 011 (its commits need no WAL flush)', async () => {
    const t = await createTestStore('postgres')
    try {
      await migrateToLatest(t.store)
      const { rows } = await sql<{ relpersistence: string }>`select relpersistence from pg_class where relname = 'used_nonces'`.execute(t.store.db)
      expect(rows[0].relpersistence).toBe('u')
    } finally {
      await t.close()
    }
  }, STORE_SETUP_TIMEOUT_MS)
})
