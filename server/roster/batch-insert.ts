/**
 * Inserts for the roster import.
 *
 * SQLite (better-sqlite3): rows are written synchronously with ONE prepared single-row statement per
 * table, reused for every row inside the open Kysely transaction (see sqlite-raw.ts). Kysely's
 * SQLite driver prepares every statement it runs, so multi-row statements with thousands of
 * placeholders spent as much time being parsed as being executed.
 *
 * Otherwise (PostgreSQL): multi-row INSERTs through the Kysely query builder, one statement per chunk.
 * Chunks stay under both stores' bound-parameter limits (SQLite 32 766, PostgreSQL 65 535).
 */
import type SQLite from 'better-sqlite3'
import { SqliteAdapter, type Insertable } from 'kysely'
import type { Database } from '../db/schema'
import type { Db } from '../repositories/types'

const MAX_PARAMS = 30_000
const MAX_ROWS = 1000

/** True when the Kysely instance (or transaction) talks to SQLite. */
export function isSqlite(db: Db): boolean {
  return db.getExecutor().adapter instanceof SqliteAdapter
}

export async function insertMany<T extends 'persons' | 'certification_records'>(db: Db, table: T, rows: Insertable<Database[T]>[]): Promise<void> {
  if (rows.length === 0) return
  const columns = Object.keys(rows[0] as object).length
  const size = Math.max(1, Math.min(MAX_ROWS, Math.floor(MAX_PARAMS / Math.max(1, columns))))
  for (let i = 0; i < rows.length; i += size) {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    await db.insertInto(table).values(rows.slice(i, i + size) as any).execute()
  }
}

export type Row<T extends keyof Database> = Insertable<Database[T]>

/** Synchronous writer of one table's rows through a prepared statement, for a fixed column list. */
export class SqliteRowWriter<T extends 'persons' | 'certification_records'> {
  private readonly stmt: SQLite.Statement
  private readonly params: unknown[]

  constructor(
    raw: SQLite.Database,
    table: T,
    private readonly columns: readonly string[],
  ) {
    this.stmt = raw.prepare(`insert into "${table}" (${columns.map((c) => `"${c}"`).join(', ')}) values (${columns.map(() => '?').join(', ')})`)
    this.params = new Array(columns.length)
  }

  /** Writes one row; a missing (undefined) value is stored as NULL, as the multi-row insert did. */
  write(row: Row<T>): void {
    const { columns, params } = this
    const r = row as Record<string, unknown>
    for (let i = 0; i < columns.length; i++) {
      const v = r[columns[i]]
      params[i] = v === undefined ? null : v
    }
    this.stmt.run(params)
  }
}
