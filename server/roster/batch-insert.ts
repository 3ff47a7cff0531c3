/**
 * Inserts for the roster import.
 *
 * SQLite (better-sqlite3): new persons are written synchronously with ONE prepared single-row
 * statement, reused for every row inside the open Kysely transaction (see sqlite-raw.ts). Kysely's
 * SQLite driver prepares every statement it runs, so multi-row statements with thousands of
 * placeholders spent as much time being parsed as being executed.
 *
 * Otherwise (PostgreSQL): multi-row INSERTs through the Kysely query builder, one statement per chunk.
 * Chunks stay under both stores' bound-parameter limits (SQLite 32 766, PostgreSQL 65 535).
 */
import type SQLite from 'better-sqlite3'
import { SqliteAdapter, type Insertable } from 'kysely'
import type { PersonsTable } from '../db/schema'
import type { Db } from '../repositories/types'
import { PREPARED_PERSON_COLUMNS } from './prepare'

const MAX_PARAMS = 30_000
const MAX_ROWS = 1000
/** New persons buffered before a multi-row insert (the Kysely path). */
const FLUSH_ROWS = 1000

/** True when the Kysely instance (or transaction) talks to SQLite. */
export function isSqlite(db: Db): boolean {
  return db.getExecutor().adapter instanceof SqliteAdapter
}

async function insertPersons(db: Db, rows: Insertable<PersonsTable>[]): Promise<void> {
  if (rows.length === 0) return
  const columns = Object.keys(rows[0]).length
  const size = Math.max(1, Math.min(MAX_ROWS, Math.floor(MAX_PARAMS / Math.max(1, columns))))
  for (let i = 0; i < rows.length; i += size) await db.insertInto('persons').values(rows.slice(i, i + size)).execute()
}

/** A string or NULL as an SQL literal. */
const literal = (v: string | null): string => (v === null ? 'null' : `'${v.replace(/'/g, "''")}'`)

/**
 * Synchronous writer of new persons through a prepared statement: `columns` are bound for each row,
 * `constants` (the same for every row of the import) are written into the statement once. Binding a
 * string costs about a third of a microsecond, a sizeable part of a roster row's whole insert.
 */
export class SqliteRowWriter {
  private readonly stmt: SQLite.Statement

  constructor(raw: SQLite.Database, columns: readonly string[], constants: Record<string, string | null> = {}) {
    const names = [...columns, ...Object.keys(constants)].map((c) => `"${c}"`)
    const values = [...columns.map(() => '?'), ...Object.values(constants).map(literal)]
    this.stmt = raw.prepare(`insert into "persons" (${names.join(', ')}) values (${values.join(', ')})`)
  }

  /** Writes one row: its values in the order of the columns. */
  write(values: unknown[]): void {
    this.stmt.run(values)
  }
}

/** New persons: these columns vary by row; the constants are the same for the whole import. */
export const PERSON_COLUMNS = ['id', 'person_no', 'id_number_hash', ...PREPARED_PERSON_COLUMNS] as const satisfies readonly (keyof PersonsTable)[]
/** Where PREPARED_PERSON_COLUMNS start in PERSON_COLUMNS. */
export const PREPARED_FROM = PERSON_COLUMNS.length - PREPARED_PERSON_COLUMNS.length
const personConstants = (c: NewRowConstants) => ({ enrolled_on: c.today, key_version: c.keyVersion, created_at: c.now, updated_at: c.now })

/**
 * Where new persons go, as positional values (PERSON_COLUMNS): on better-sqlite3 straight through a
 * prepared statement reused for every row (same connection, so inside the open transaction);
 * otherwise in multi-row chunks.
 */
export interface NewRows {
  add(person: unknown[]): void | Promise<void>
  finish(): Promise<void>
}

function sqliteNewRows(raw: SQLite.Database, c: NewRowConstants): NewRows {
  const persons = new SqliteRowWriter(raw, PERSON_COLUMNS, personConstants(c))
  return {
    add(person) {
      persons.write(person)
    },
    finish: async () => {},
  }
}

function kyselyNewRows(trx: Db, c: NewRowConstants): NewRows {
  const objectOf = (columns: readonly string[], values: unknown[], constants: object) => ({ ...Object.fromEntries(columns.map((c, i) => [c, values[i]])), ...constants })
  const persons: Insertable<PersonsTable>[] = []
  const flush = async () => {
    await insertPersons(trx, persons.splice(0))
  }
  return {
    async add(person) {
      persons.push(objectOf(PERSON_COLUMNS, person, personConstants(c)) as Insertable<PersonsTable>)
      if (persons.length >= FLUSH_ROWS) await flush()
    },
    finish: flush,
  }
}

/** What every new row of one import shares. */
export interface NewRowConstants {
  /** enrolled_on of new persons. */
  today: string
  keyVersion: string
  /** created_at / updated_at. */
  now: string
}

/** The writer for new rows: the better-sqlite3 handle when there is one (see sqlite-raw.ts), else Kysely. */
export function openNewRows(trx: Db, raw: SQLite.Database | undefined, constants: NewRowConstants): NewRows {
  return raw ? sqliteNewRows(raw, constants) : kyselyNewRows(trx, constants)
}
