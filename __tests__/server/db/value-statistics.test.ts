/**
 * A SQLite store opened after someone ran ANALYZE on it drops the per-value statistics (sqlite_stat4)
 * and keeps the row counts (sqlite_stat1), says so once on stderr, and reads as before. With
 * sqlite_stat4 SQLite re-plans the hot reads on every run (docs/configuration-backend.md).
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import SQLite from 'better-sqlite3'
import { openStore } from '../../../server/db/connect'
import { migrateToLatest } from '../../../server/db/migrate'
import { accountWithSelfPerson, ensureAccount } from '../../../server/repositories/accounts'

const NOW = '2026-11-27T02:00:00.000Z'

describe('SQLite store and ANALYZE', () => {
  let dir: string
  let path: string
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'yl-stat4-'))
    path = join(dir, 'store.sqlite')
  })
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  const rowsOf = (table: string): number => {
    const file = new SQLite(path, { readonly: true })
    try {
      const exists = file.prepare(`select 1 from sqlite_schema where name = ?`).get(table)
      return exists ? (file.prepare(`select count(*) as n from ${table}`).get() as { n: number }).n : 0
    } finally {
      file.close()
    }
  }

  /** Opens the store, runs `work`, closes it; what it wrote on stderr about statistics. */
  async function withStore(work: (store: ReturnType<typeof openStore>) => Promise<void>): Promise<string[]> {
    const said: string[] = []
    const stderr = jest.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
      if (String(chunk).includes('sqlite_stat4')) said.push(String(chunk))
      return true
    })
    try {
      const store = openStore({ sqlitePath: path })
      try {
        await work(store)
      } finally {
        await store.db.destroy()
      }
    } finally {
      stderr.mockRestore()
    }
    return said
  }

  it('drops sqlite_stat4 left by an ANALYZE, keeps sqlite_stat1, and says so once', async () => {
    expect(
      await withStore(async (store) => {
        await migrateToLatest({ db: store.db, dialect: 'sqlite', describe: 'stat4' })
        for (let i = 0; i < 300; i++) await ensureAccount(store.db, { platform: 'local', openid: `local_stat4_${i}` }, NOW)
      }),
    ).toEqual([])

    // what an operator's `sqlite3 store.sqlite ANALYZE` leaves behind
    const operator = new SQLite(path)
    operator.exec('ANALYZE')
    operator.close()
    expect(rowsOf('sqlite_stat4')).toBeGreaterThan(0)
    const counts = rowsOf('sqlite_stat1')
    expect(counts).toBeGreaterThan(0)

    const said = await withStore(async (store) => {
      // reads answer as before
      expect((await accountWithSelfPerson(store.db, { platform: 'local', openid: 'local_stat4_7' }))?.person).toBeUndefined()
    })
    expect(said).toHaveLength(1)
    expect(said[0]).toContain('docs/configuration-backend.md')
    expect(rowsOf('sqlite_stat4')).toBe(0)
    expect(rowsOf('sqlite_stat1')).toBe(counts)

    // nothing left to remove: silent
    expect(await withStore(async () => undefined)).toEqual([])
  })
})
