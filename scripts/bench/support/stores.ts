/**
 * One bench database, opened the same way by every bench (reminders, agency): the Store the services
 * use, plus direct access for the bulk load (prepared inserts in one transaction on SQLite, COPY on
 * PostgreSQL) and for the baseline queries (prepared once per connection on both stores, so the
 * baseline pays no more planning than the measured path). The backends around it (labels, where the
 * server comes from, what is dropped afterwards) stay with each bench.
 */
import SQLite from 'better-sqlite3'
import { Kysely, SqliteDialect } from 'kysely'
import pg from 'pg'
import { applySqlitePragmas, openStore, type Store } from '../../../server/db/connect'
import type { Database } from '../../../server/db/schema'
import { CopyWriter, copyLine } from '../../../server/repositories/person-bulk/pg-copy'

export type Cell = string | number | null

export interface BenchDb {
  store: Store
  /** Bulk load (bench data only): prepared inserts in one transaction on SQLite, COPY on PostgreSQL. */
  insertRows(table: string, columns: string[], rows: Iterable<Cell[]>): Promise<void>
  /** Fresh planner statistics after the bulk load. */
  analyze(): Promise<void>
  /** Runs a baseline query (SQL with ? placeholders, prepared once under `name`) and reads every row out; returns the row count. */
  scan(name: string, sql: string, params: Cell[]): Promise<number>
  close(): Promise<void>
}

export interface Backend {
  label: string
  open(name: string): Promise<BenchDb>
  close(): Promise<void>
}

/** A SQLite file with the server's pragmas; `describe` is the Store's description. */
export function openSqliteBenchDb(path: string, describe: string): BenchDb {
  const raw = new SQLite(path)
  applySqlitePragmas(raw)
  const store: Store = { db: new Kysely<Database>({ dialect: new SqliteDialect({ database: raw }) }), dialect: 'sqlite', describe }
  const statements = new Map<string, SQLite.Statement>()
  return {
    store,
    async insertRows(table, columns, rows) {
      const stmt = raw.prepare(`insert into ${table} (${columns.join(', ')}) values (${columns.map(() => '?').join(', ')})`)
      raw.transaction(() => {
        for (const r of rows) stmt.run(r)
      })()
    },
    async analyze() {
      raw.exec('analyze')
    },
    async scan(name, sql, params) {
      let stmt = statements.get(name)
      if (!stmt) statements.set(name, (stmt = raw.prepare(sql)))
      return stmt.all(...params).length
    },
    close: () => store.db.destroy(),
  }
}

/** An existing (already created) PostgreSQL database: the Store's pool plus one direct client. */
export async function openPostgresBenchDb(url: string): Promise<BenchDb> {
  const store = openStore({ databaseUrl: url, sqlitePath: '' })
  const direct = new pg.Client({ connectionString: url })
  await direct.connect()
  const numbered = (sql: string) => {
    let n = 0
    return sql.replace(/\?/g, () => `$${++n}`)
  }
  return {
    store,
    async insertRows(table, columns, rows) {
      const copy = new CopyWriter(direct, `copy ${table} (${columns.join(', ')}) from stdin`)
      for (const r of rows) await copy.write(copyLine(r.map((v) => (v === null ? null : String(v)))))
      await copy.end()
    },
    async analyze() {
      await direct.query('vacuum analyze')
    },
    async scan(name, sql, params) {
      // Named: prepared once per connection, as the SQLite side prepares once.
      return (await direct.query({ name, text: numbered(sql), values: params })).rows.length
    },
    async close() {
      await direct.end()
      await store.db.destroy()
    },
  }
}
