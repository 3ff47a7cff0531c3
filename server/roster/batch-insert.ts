/**
 * Multi-row INSERTs for the roster import: one statement per chunk instead of one per row (a large
 * import spends most of its time compiling, preparing and awaiting single-row statements otherwise).
 * Chunks stay under both stores' bound-parameter limits (SQLite 32 766, PostgreSQL 65 535).
 */
import type { Insertable } from 'kysely'
import type { Database } from '../db/schema'
import type { Db } from '../repositories/types'

const MAX_PARAMS = 30_000
const MAX_ROWS = 1000

export async function insertMany<T extends 'persons' | 'certification_records'>(db: Db, table: T, rows: Insertable<Database[T]>[]): Promise<void> {
  if (rows.length === 0) return
  const columns = Object.keys(rows[0] as object).length
  const size = Math.max(1, Math.min(MAX_ROWS, Math.floor(MAX_PARAMS / Math.max(1, columns))))
  for (let i = 0; i < rows.length; i += size) {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    await db.insertInto(table).values(rows.slice(i, i + size) as any).execute()
  }
}
