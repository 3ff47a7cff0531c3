/**
 * Direct reads (server/db/direct-reads.ts) take the values of each row from SQLite in column order and
 * make the row object themselves: the rows must be exactly what Kysely's driver answers for the same
 * statement (names, values, types, order, a later column of the same name winning), and the statement
 * they share with Kysely must answer Kysely with objects again afterwards.
 */
import { CompiledQuery } from 'kysely'
import { directReadsOf, rowMakerFor } from '../../../server/db/direct-reads'
import { migrateToLatest } from '../../../server/db/migrate'
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

  it('makes rows from names that are not identifiers', () => {
    const make = rowMakerFor(['a', 'b"c', '}; throw 1; {', 'a'])
    expect(make([1, 2, 3, 4])).toEqual({ a: 4, 'b"c': 2, '}; throw 1; {': 3 })
  })
})
