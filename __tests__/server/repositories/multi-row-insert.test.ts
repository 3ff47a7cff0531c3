/**
 * multiRowInsert: the batch inserts written as SQL text (request nonces, read-audit rows) put each row's
 * values in their own columns on both stores, for any row count, run on the store itself or compiled
 * for another connection, with the tail (ON CONFLICT … RETURNING) applied.
 */
import { migrateToLatest } from '../../../server/db/migrate'
import { multiRowInsert } from '../../../server/repositories/multi-row-insert'
import { createTestStore, DIALECTS, STORE_SETUP_TIMEOUT_MS, type TestStore } from '../../support/db'

jest.setTimeout(60_000)

interface Entry {
  key: string
  until: string
}

const insert = multiRowInsert<'used_nonces', Entry, { nonce: string }>('used_nonces', { nonce: (e) => e.key, expires_at: (e) => e.until }, 'on conflict ("nonce") do nothing returning "nonce"')

const entry = (i: number): Entry => ({ key: `mri-${String(i).padStart(3, '0')}`, until: `2030-01-01T00:00:${String(i % 60).padStart(2, '0')}.000Z` })

describe.each(DIALECTS)('multiRowInsert on %s', (dialect) => {
  let t: TestStore
  beforeAll(async () => {
    t = await createTestStore(dialect)
    await migrateToLatest(t.store)
  }, STORE_SETUP_TIMEOUT_MS)
  afterAll(async () => t?.close())

  it('writes every row with its own values, for one row and for many', async () => {
    const one = [entry(0)]
    const many = Array.from({ length: 37 }, (_, i) => entry(i + 1))
    expect((await insert(t.store.db, one).execute()).map((r) => r.nonce)).toEqual(['mri-000'])
    expect((await insert(t.store.db, many).execute()).map((r) => r.nonce).sort()).toEqual(many.map((e) => e.key))
    const stored = await t.store.db.selectFrom('used_nonces').select(['nonce', 'expires_at']).where('nonce', 'like', 'mri-%').orderBy('nonce').execute()
    expect(stored.map((r) => [r.nonce, new Date(r.expires_at).toISOString()])).toEqual([...one, ...many].map((e) => [e.key, e.until]))
  })

  it('applies the tail: rows already there are skipped and not returned', async () => {
    const rows = [entry(100), entry(1), entry(101)]
    expect((await insert(t.store.db, rows).execute()).map((r) => r.nonce).sort()).toEqual(['mri-100', 'mri-101'])
  })

  it('compiles to the dialect’s placeholders with the values in row order', () => {
    const { sql, parameters } = insert(t.store.db, [entry(7), entry(8)]).compile()
    expect(parameters).toEqual(['mri-007', entry(7).until, 'mri-008', entry(8).until])
    const marks = dialect === 'postgres' ? '($1, $2), ($3, $4)' : '(?, ?), (?, ?)'
    expect(sql).toBe(`insert into "used_nonces" ("nonce", "expires_at") values ${marks} on conflict ("nonce") do nothing returning "nonce"`)
    expect(() => insert(t.store.db, [])).toThrow(/no rows/)
  })
})
