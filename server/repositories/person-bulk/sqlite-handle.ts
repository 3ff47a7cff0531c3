/**
 * The better-sqlite3 handle behind a Kysely SQLite instance, for the roster import's synchronous fast
 * path (prepared statements reused for every row inside the open Kysely transaction). Kysely keeps the
 * handle private, so it is recognised once: a marker query is run through the same connection while
 * Database.prototype.prepare briefly notes which handle prepares it (then the original is restored).
 * Returns undefined when the store is not better-sqlite3 (PostgreSQL, another SQLite driver): callers
 * then use the Kysely path.
 */
import SQLite from 'better-sqlite3'
import { CompiledQuery, SqliteAdapter } from 'kysely'
import type { Db } from '../types'

const PROBE = "select 'yinling-roster-raw-handle' as probe"

/**
 * Must be called with the transaction (or the Kysely instance) the caller will write through: with
 * better-sqlite3 Kysely has a single connection, so statements run on the returned handle are part of
 * the open transaction.
 */
export async function rawSqliteHandle(db: Db): Promise<SQLite.Database | undefined> {
  if (!(db.getExecutor().adapter instanceof SqliteAdapter)) return undefined
  const proto = (SQLite as unknown as { prototype: { prepare: (sql: string) => unknown } }).prototype
  const original = proto.prepare
  if (typeof original !== 'function') return undefined
  let found: SQLite.Database | undefined
  proto.prepare = function prepare(this: SQLite.Database, sql: string) {
    if (sql === PROBE) found = this
    return original.call(this, sql)
  }
  try {
    await db.executeQuery(CompiledQuery.raw(PROBE, []))
  } finally {
    proto.prepare = original
  }
  return found instanceof SQLite ? found : undefined
}
