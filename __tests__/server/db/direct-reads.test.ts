/**
 * Direct reads (server/db/direct-reads.ts) take the values of each row from SQLite in column order and
 * make the row object themselves: the rows must be exactly what Kysely's driver answers for the same
 * statement (names, values, types, order, a later column of the same name winning), and the statement
 * they share with Kysely must answer Kysely with objects again afterwards. The reads of one turn of the
 * event loop share a read snapshot, which ends before anything Kysely runs and at the end of the turn.
 */
import SQLite from 'better-sqlite3'
import { CompiledQuery } from 'kysely'
import { directReadsOf, rowMakerFor } from '../../../server/db/direct-reads'
import { migrateToLatest } from '../../../server/db/migrate'
import { openStore } from '../../../server/db/connect'
import { createTestStore, type TestStore } from '../../support/db'

describe('direct reads on SQLite', () => {
  let t: TestStore
  beforeAll(async () => {
    t = await createTestStore('sqlite')
    await migrateToLatest(t.store)
    await t.store.db.insertInto('used_nonces').values([
      { nonce: 'n-1', expires_at: '2030-01-01T00:00:00.000Z' },
      { nonce: 'n-2', expires_at: '2031-01-01T00:00:00.000Z' },
    ]).execute()
  })
  afterAll(async () => t?.close())

  const viaKysely = async (sql: string, parameters: unknown[]) => (await t.store.db.executeQuery(CompiledQuery.raw(sql, parameters))).rows

  it.each([
    ['every column of a table', 'select * from "used_nonces" where "nonce" like ? order by "nonce"', ['n-%']],
    ['aliases, a null, numbers and a blob', 'select "nonce" as "a b", null as "none", 42 as "int", 1.5 as "real", x\'00ff\' as "blob", ? as "p" from "used_nonces" order by "nonce"', ['"quoted" \\ name']],
    ['the same name twice: the later column wins', 'select 1 as "x", "nonce" as "x", 2 as "y" from "used_nonces" order by "nonce"', []],
    ['no rows', 'select * from "used_nonces" where "nonce" = ?', ['none']],
  ])('answers %s as Kysely does', async (_label, sql, parameters) => {
    const direct = directReadsOf(t.store.db)!.all(sql, parameters)
    const kysely = await viaKysely(sql, parameters)
    expect(direct).toEqual(kysely)
    for (let i = 0; i < kysely.length; i++) expect(Object.keys(direct![i] as object)).toEqual(Object.keys(kysely[i] as object))
    // The shared statement answers Kysely with objects again.
    expect(await viaKysely(sql, parameters)).toEqual(kysely)
  })

  const direct = (nonce: string) => directReadsOf(t.store.db)!.all('select "nonce" from "used_nonces" where "nonce" = ?', [nonce])
  const turn = () => new Promise((r) => setImmediate(r))

  it('sees a write of this process made through Kysely in the same turn, and lets a transaction begin', async () => {
    expect(direct('s-1')).toEqual([])
    // No await between the read and the write's start: the write runs in the read's turn.
    const write = t.store.db.insertInto('used_nonces').values({ nonce: 's-1', expires_at: '2030-01-01T00:00:00.000Z' }).execute()
    await write
    expect(direct('s-1')).toEqual([{ nonce: 's-1' }])
    const inside = t.store.db.transaction().execute(async (trx) => {
      await trx.insertInto('used_nonces').values({ nonce: 's-2', expires_at: '2030-01-01T00:00:00.000Z' }).execute()
      // Inside another request's transaction there is no direct answer: the read goes through Kysely and waits.
      expect(direct('s-2')).toBeUndefined()
      return 'committed'
    })
    expect(direct('s-1')).toHaveLength(1)
    expect(await inside).toBe('committed')
    expect(direct('s-2')).toEqual([{ nonce: 's-2' }])
  })

  it('sees another connection\'s commit from the next turn on (one snapshot per turn)', async () => {
    const other = new SQLite(t.location)
    try {
      await turn()
      expect(direct('s-3')).toEqual([])
      other.prepare("insert into used_nonces (nonce, expires_at) values ('s-3', '2030-01-01T00:00:00.000Z')").run()
      expect(direct('s-3')).toEqual([])
      await turn()
      expect(direct('s-3')).toEqual([{ nonce: 's-3' }])
      // Once the turn is over the snapshot is closed: the other connection can checkpoint the whole WAL.
      await turn()
      expect(other.pragma('wal_checkpoint(TRUNCATE)')).toEqual([{ busy: 0, log: 0, checkpointed: 0 }])
    } finally {
      other.close()
    }
  })

  it('closes with a snapshot open', async () => {
    const store = openStore({ sqlitePath: `${t.location}.close.sqlite` })
    await migrateToLatest(store)
    expect(directReadsOf(store.db)!.all('select count(*) as n from "used_nonces"', [])).toEqual([{ n: 0 }])
    await expect(store.db.destroy()).resolves.toBeUndefined()
  })

  it('makes rows from names that are not identifiers', () => {
    const make = rowMakerFor(['a', 'b"c', '}; throw 1; {', 'a'])
    expect(make([1, 2, 3, 4])).toEqual({ a: 4, 'b"c': 2, '}; throw 1; {': 3 })
  })
})
