/**
 * compiledOnce: a query compiled once per dialect answers each later call with that call's values
 * (not the first call's), inside a transaction too, and refuses a builder that does not use an argument.
 * On SQLite it reads straight on the connection (server/db/direct-reads.ts) only while no transaction
 * holds it: a read that comes while another request's transaction is open waits for it and never sees
 * its uncommitted rows.
 */
import { migrateToLatest } from '../../../server/db/migrate'
import { compiledOnce } from '../../../server/repositories/compiled'
import { directReadsOf } from '../../../server/db/direct-reads'
import { createTestStore, DIALECTS, STORE_SETUP_TIMEOUT_MS, type TestStore } from '../../support/db'

jest.setTimeout(60_000)

const nonceAt = compiledOnce(2, (db, pattern: string, limit: number) =>
  db.selectFrom('used_nonces').select('nonce').where('nonce', 'like', pattern).where('expires_at', '>', '2000-01-01').orderBy('nonce').limit(limit),
)

describe.each(DIALECTS)('compiledOnce on %s', (dialect) => {
  let t: TestStore
  beforeAll(async () => {
    t = await createTestStore(dialect)
    await migrateToLatest(t.store)
    const rows = ['a-1', 'a-2', 'a-3', 'b-1', 'b-2'].map((nonce) => ({ nonce, expires_at: '2030-01-01T00:00:00.000Z' }))
    await t.store.db.insertInto('used_nonces').values(rows).execute()
  }, STORE_SETUP_TIMEOUT_MS)
  afterAll(async () => t?.close())

  it('runs each call with its own values, constants kept', async () => {
    const like = (prefix: string, limit: number) => nonceAt(t.store.db, `${prefix}%`, limit).then((rows) => rows.map((r) => r.nonce))
    expect(await like('a-', 2)).toEqual(['a-1', 'a-2'])
    expect(await like('b-', 5)).toEqual(['b-1', 'b-2'])
    expect(await like('a-', 5)).toEqual(['a-1', 'a-2', 'a-3'])
    expect(await like('c-', 5)).toEqual([])
    await t.store.db.transaction().execute(async (trx) => {
      await trx.insertInto('used_nonces').values({ nonce: 'c-1', expires_at: '2030-01-01T00:00:00.000Z' }).execute()
      expect((await nonceAt(trx, 'c-%', 5)).map((r) => r.nonce)).toEqual(['c-1'])
      await trx.deleteFrom('used_nonces').where('nonce', '=', 'c-1').execute()
    })
  })

  it('reads straight on the SQLite connection only through the store itself, never through a transaction', async () => {
    expect(directReadsOf(t.store.db) !== undefined).toBe(dialect === 'sqlite')
    await t.store.db.transaction().execute(async (trx) => {
      expect(directReadsOf(trx)).toBeUndefined()
    })
  })

  it('waits for another request’s open transaction and does not see the rows it rolls back', async () => {
    let inserted!: () => void
    const insertedNow = new Promise<void>((r) => (inserted = r))
    let finish!: () => void
    const finishNow = new Promise<void>((r) => (finish = r))
    const transaction = t.store.db
      .transaction()
      .execute(async (trx) => {
        await trx.insertInto('used_nonces').values({ nonce: 'd-1', expires_at: '2030-01-01T00:00:00.000Z' }).execute()
        inserted()
        await finishNow
        throw new Error('rolled back')
      })
      .catch((err: Error) => err.message)
    await insertedNow
    let answered = false
    const read = nonceAt(t.store.db, 'd-%', 5).then((rows) => {
      answered = true
      return rows.map((r) => r.nonce)
    })
    for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r))
    // SQLite has one connection: the read waits for the transaction; PostgreSQL reads committed rows meanwhile.
    if (dialect === 'sqlite') expect(answered).toBe(false)
    finish()
    expect(await transaction).toBe('rolled back')
    expect(await read).toEqual([])
    expect(await nonceAt(t.store.db, 'd-%', 5)).toEqual([])
  })

  it('refuses a builder that leaves an argument out of the query or uses it only to derive a value', async () => {
    const derived = compiledOnce(1, (db, prefix: string) => db.selectFrom('used_nonces').select('nonce').where('nonce', 'like', `${prefix}%`))
    await expect(derived(t.store.db, 'a-')).rejects.toThrow(/argument 0 is not a parameter/)
    const broken = compiledOnce(2, (db, nonce: string, _unused: string) => db.selectFrom('used_nonces').select('nonce').where('nonce', '=', nonce))
    await expect(broken(t.store.db, 'a-1', 'x')).rejects.toThrow(/argument 1 is not a parameter/)
  })
})
