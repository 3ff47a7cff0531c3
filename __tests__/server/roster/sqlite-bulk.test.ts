import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import SQLite from 'better-sqlite3'
import { sql } from 'kysely'
import { openStore, type Store } from '../../../server/db/connect'
import { BULK_JOURNAL_MIN_ROWS, importCacheKib, withBulkJournal, withImportCache } from '../../../server/roster/sqlite-bulk'

const pragma = async (s: Store, name: string) => Object.values((await sql.raw<Record<string, unknown>>(`pragma ${name}`).execute(s.db)).rows[0] ?? {})[0]

describe('bulk-import settings on a SQLite store', () => {
  let dir: string
  let path: string
  let store: Store
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'yl-bulk-'))
    path = join(dir, 'store.sqlite')
    store = openStore({ sqlitePath: path })
  })
  afterEach(async () => {
    await store.db.destroy()
    rmSync(dir, { recursive: true, force: true })
  })

  it('writes a large import with the rollback journal when it has the store to itself, then returns to WAL', async () => {
    expect(await pragma(store, 'journal_mode')).toBe('wal')
    const during = await withBulkJournal(store.db, BULK_JOURNAL_MIN_ROWS, () => pragma(store, 'journal_mode'))
    expect(during).toBe('delete')
    expect(await pragma(store, 'journal_mode')).toBe('wal')
    expect(await pragma(store, 'busy_timeout')).toBe(5000)
  })

  it('stays in WAL when another connection has the store open, without waiting for it', async () => {
    const other = new SQLite(path)
    try {
      other.prepare('select 1').get()
      const during = await withBulkJournal(store.db, BULK_JOURNAL_MIN_ROWS, () => pragma(store, 'journal_mode'))
      expect(during).toBe('wal')
      expect(other.pragma('journal_mode', { simple: true })).toBe('wal')
      expect(await pragma(store, 'busy_timeout')).toBe(5000)
    } finally {
      other.close()
    }
  })

  it('returns to WAL when the import fails, and passes the failure on', async () => {
    await expect(withBulkJournal(store.db, BULK_JOURNAL_MIN_ROWS, async () => {
      throw new Error('boom')
    })).rejects.toThrow('boom')
    expect(await pragma(store, 'journal_mode')).toBe('wal')
  })

  it('leaves small imports in WAL', async () => {
    expect(await withBulkJournal(store.db, BULK_JOURNAL_MIN_ROWS - 1, () => pragma(store, 'journal_mode'))).toBe('wal')
  })

  it('raises the page cache for a large import only, and restores it', async () => {
    const before = await pragma(store, 'cache_size')
    expect(await withImportCache(store.db, 100, () => pragma(store, 'cache_size'))).toBe(before)
    expect(await withImportCache(store.db, 1_000_000, () => pragma(store, 'cache_size'))).toBe(-1_500_000)
    expect(await pragma(store, 'cache_size')).toBe(before)
  })

  it('with the rollback journal keeps a smaller cache: the indexes, not the whole table', async () => {
    const during = await withBulkJournal(store.db, 1_000_000, () => withImportCache(store.db, 1_000_000, () => pragma(store, 'cache_size')))
    expect(during).toBe(-250_000)
    expect(importCacheKib(100_000, 'delete')).toBe(65_536)
    expect(importCacheKib(50_000_000, 'delete')).toBe(1536 * 1024)
    expect(importCacheKib(1_000_000, 'wal')).toBe(1_500_000)
  })
})
