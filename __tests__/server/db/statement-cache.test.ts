/**
 * SQLite statements are prepared once and reused (withStatementCache), within a bounded cache, and the
 * roster import still finds the handle behind Kysely (it watches prepare(), which the cache lets through).
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import SQLite from 'better-sqlite3'
import { sql } from 'kysely'
import { openStore, withStatementCache } from '../../../server/db/connect'
import { migrateToLatest } from '../../../server/db/migrate'
import { rawSqliteHandle } from '../../../server/roster/sqlite-raw'

describe('SQLite statement cache', () => {
  let dir: string
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'yl-stmt-cache-'))
  })
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('prepares each SQL text once, and finalises the least recently used beyond its size', () => {
    const file = new SQLite(':memory:')
    const prepared: string[] = []
    const counting = { prepare: (s: string) => (prepared.push(s), file.prepare(s)), close: () => file.close() }
    const cached = withStatementCache(counting as unknown as SQLite.Database, 2)
    const a = cached.prepare('select 1 as a')
    expect(cached.prepare('select 1 as a')).toBe(a)
    cached.prepare('select 2 as b')
    cached.prepare('select 1 as a') // a is now the most recently used
    cached.prepare('select 3 as c') // evicts b
    expect(cached.prepare('select 1 as a')).toBe(a)
    cached.prepare('select 2 as b')
    expect(prepared).toEqual(['select 1 as a', 'select 2 as b', 'select 3 as c', 'select 2 as b'])
    cached.close()
  })

  it('gives the same answers with new parameters on a reused statement, and after a schema change', async () => {
    const store = openStore({ sqlitePath: join(dir, 'reuse.sqlite') })
    try {
      await migrateToLatest(store)
      const find = (openid: string) => store.db.selectFrom('accounts').select('id').where('openid', '=', openid).executeTakeFirst()
      for (const n of [1, 2]) {
        await store.db.insertInto('accounts').values({ id: `id-${n}`, platform: 'local', openid: `o-${n}`, created_at: 'x', last_seen_at: 'x' }).execute()
      }
      expect((await find('o-1'))?.id).toBe('id-1')
      expect((await find('o-2'))?.id).toBe('id-2')
      expect(await find('o-3')).toBeUndefined()
      await sql`alter table accounts add column bench_extra text`.execute(store.db)
      expect((await find('o-2'))?.id).toBe('id-2')
    } finally {
      await store.db.destroy()
    }
  })

  it('still lets the roster import find the better-sqlite3 handle, every time', async () => {
    const store = openStore({ sqlitePath: join(dir, 'raw.sqlite') })
    try {
      const first = await rawSqliteHandle(store.db)
      const second = await rawSqliteHandle(store.db)
      expect(first).toBeInstanceOf(SQLite)
      expect(second).toBe(first)
    } finally {
      await store.db.destroy()
    }
  })
})
