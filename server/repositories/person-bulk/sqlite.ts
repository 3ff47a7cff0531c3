/**
 * The persons bulk writer on better-sqlite3: new persons are written synchronously with ONE prepared
 * single-row statement, reused for every row inside the open Kysely transaction (same connection:
 * sqlite-handle.ts). Kysely's SQLite driver prepares every statement it runs, so multi-row statements
 * with thousands of placeholders spent as much time being parsed as being executed.
 */
import type SQLite from 'better-sqlite3'
import { updatePerson } from '../persons'
import type { Db } from '../types'
import { pickUpdated, type PersonBulkOptions, type PersonBulkWriter } from './types'

/** A string as an SQL literal. */
const literal = (v: string): string => `'${v.replace(/'/g, "''")}'`

export class SqlitePersonBulkWriter implements PersonBulkWriter {
  private readonly stmt: SQLite.Statement
  private readonly updatedColumns: readonly string[]

  /**
   * The constants are written into the statement once: binding a string costs about a third of a
   * microsecond, a sizeable part of a roster row's whole insert.
   */
  constructor(
    raw: SQLite.Database,
    private readonly trx: Db,
    options: PersonBulkOptions,
  ) {
    const names = [...options.columns, ...Object.keys(options.constants)].map((c) => `"${c}"`)
    const values = [...options.columns.map(() => '?'), ...Object.values(options.constants).map(literal)]
    this.updatedColumns = options.updatedColumns
    this.stmt = raw.prepare(`insert into "persons" (${names.join(', ')}) values (${values.join(', ')})`)
  }

  insert(values: ArrayLike<string | null>): void {
    this.stmt.run(values as unknown[])
  }

  async update(id: string, fields: Record<string, string | null | undefined>): Promise<void> {
    await updatePerson(this.trx, id, pickUpdated(this.updatedColumns, fields) as Parameters<typeof updatePerson>[2])
  }

  async finish(): Promise<void> {}
  async abort(): Promise<void> {}
}
