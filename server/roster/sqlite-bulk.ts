/**
 * SQLite settings for the duration of one large roster import, each restored afterwards (also when
 * the import fails). Both do nothing on PostgreSQL.
 */
import { sql } from 'kysely'
import type { Db } from '../repositories/types'
import { isSqlite } from '../repositories/person-bulk'

/** Imports from this many rows on take the rollback journal when they can (withBulkJournal). */
export const BULK_JOURNAL_MIN_ROWS = 20_000

async function pragma(db: Db, name: string): Promise<unknown> {
  const row = (await sql.raw<Record<string, unknown>>(`pragma ${name}`).execute(db)).rows[0]
  return row ? Object.values(row)[0] : undefined
}

/**
 * KiB of SQLite page cache for an import of `rows` rows into a store in `journalMode`.
 *
 * WAL: the whole transaction's dirty pages stay in memory; with better-sqlite3's default 16 MB cache a
 * large import keeps spilling them to the WAL and reading them back. About 1.5 KiB per row, capped at
 * 1.5 GiB.
 *
 * Rollback journal (withBulkJournal): room for the indexes (~170 bytes a row, the ID-number index's
 * keys arriving in random order), not for the table (~450 bytes a row). The table's own pages are
 * written in order and never read again: spilled to the file early, the system writes them to disk
 * while the import goes on, and the commit has less left to write. A million rows on 2 cores:
 * 1.5 GiB → 19.4–19.9 s, 256 MiB → 17.4–18.3 s, 128 MiB 16.7–19.3 s (less steady), 16 MiB → 22.3 s.
 */
export function importCacheKib(rows: number, journalMode: string): number {
  if (journalMode === 'delete') return Math.min(1536 * 1024, Math.max(64 * 1024, Math.ceil(rows / 4)))
  return Math.min(1536 * 1024, Math.ceil(rows * 1.5))
}

/** Sets the page cache for a large import (importCacheKib) while it runs. Never lowers the cache; imports over ~5 500 rows only. */
export async function withImportCache<T>(db: Db, rows: number, run: () => Promise<T>): Promise<T> {
  if (!isSqlite(db) || rows * 1.5 <= 8 * 1024) return run()
  const wantKib = importCacheKib(rows, String(await pragma(db, 'journal_mode')))
  const current = Number(await pragma(db, 'cache_size'))
  if (!Number.isFinite(current)) return run()
  // Negative values are KiB, positive values are pages.
  const pageBytes = Number(await pragma(db, 'page_size')) || 4096
  const currentKib = current < 0 ? -current : (current * pageBytes) / 1024
  if (currentKib >= wantKib) return run()
  await sql.raw(`pragma cache_size = ${-wantKib}`).execute(db)
  try {
    return await run()
  } finally {
    await sql.raw(`pragma cache_size = ${Math.trunc(current)}`).execute(db)
  }
}

/**
 * A large import into a store no one else has open is written with a rollback journal instead of the
 * write-ahead log. WAL writes every page twice (into the log, then into the database at the
 * checkpoint); a rollback journal only saves the pages that existed before, so a first load of a
 * million roster rows writes about half as much. Readers could not be served meanwhile, so it is only
 * done when the store has no other connection: SQLite refuses to leave WAL otherwise (SQLITE_BUSY,
 * asked without waiting), and then the import runs in WAL as always. A crash is safe either way (the
 * next open rolls a hot journal back). WAL is restored afterwards; should another process hold the
 * store just then, the next opening of the store (openStore) restores it.
 */
export async function withBulkJournal<T>(db: Db, rows: number, run: () => Promise<T>): Promise<T> {
  if (!isSqlite(db) || rows < BULK_JOURNAL_MIN_ROWS || (await pragma(db, 'journal_mode')) !== 'wal') return run()
  const timeout = Number(await pragma(db, 'busy_timeout')) || 0
  let switched = false
  await sql.raw('pragma busy_timeout = 0').execute(db)
  try {
    switched = (await pragma(db, 'journal_mode = DELETE')) === 'delete'
  } catch {
    // SQLITE_BUSY: another connection has the store open.
  } finally {
    await sql.raw(`pragma busy_timeout = ${timeout}`).execute(db)
  }
  if (!switched) return run()
  try {
    return await run()
  } finally {
    await pragma(db, 'journal_mode = WAL').catch(() => undefined)
  }
}
