/**
 * The bench's stores, shaped as scripts/bench/reminders.ts shapes them: the Store the services use,
 * plus direct access for the bulk load (prepared inserts in one transaction on SQLite, COPY on
 * PostgreSQL) and for the baseline queries (prepared once, rows read out).
 */
import { join } from 'node:path'
import SQLite from 'better-sqlite3'
import { Kysely, SqliteDialect } from 'kysely'
import pg from 'pg'
import { applySqlitePragmas, openStore, type Store } from '../../../server/db/connect'
import type { Database } from '../../../server/db/schema'
import { CopyWriter, copyLine } from '../../../server/repositories/person-bulk/pg-copy'
import { startTestPostgres, stopTestPostgres, type TestPostgres } from '../../support/throwaway-postgres'

export type Cell = string | number | null

export interface BenchDb {
  store: Store
  insertRows(table: string, columns: string[], rows: Iterable<Cell[]>): Promise<void>
  analyze(): Promise<void>
  /** Runs a baseline query (SQL with ? placeholders) and reads every row out; returns the row count. */
  scan(name: string, sql: string, params: Cell[]): Promise<number>
  close(): Promise<void>
}

export interface Backend {
  label: string
  open(name: string): Promise<BenchDb>
  close(): Promise<void>
}

export function sqliteBackend(dir: string): Backend {
  return {
    label: 'SQLite',
    async open(name) {
      const raw = new SQLite(join(dir, `${name}.sqlite`))
      applySqlitePragmas(raw)
      const store: Store = { db: new Kysely<Database>({ dialect: new SqliteDialect({ database: raw }) }), dialect: 'sqlite', describe: name }
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
        async scan(key, sql, params) {
          let stmt = statements.get(key)
          if (!stmt) statements.set(key, (stmt = raw.prepare(sql)))
          return stmt.all(...params).length
        },
        close: () => store.db.destroy(),
      }
    },
    async close() {},
  }
}

export async function postgresBackend(): Promise<Backend> {
  const server: TestPostgres = await startTestPostgres()
  const admin = new pg.Client({ connectionString: server.url })
  await admin.connect()
  return {
    label: 'PostgreSQL',
    async open(name) {
      await admin.query(`create database ${name}`)
      const url = new URL(server.url)
      url.pathname = `/${name}`
      const store = openStore({ databaseUrl: url.toString(), sqlitePath: '' })
      const direct = new pg.Client({ connectionString: url.toString() })
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
        async scan(key, sql, params) {
          return (await direct.query({ name: key, text: numbered(sql), values: params })).rows.length
        },
        async close() {
          await direct.end()
          await store.db.destroy()
        },
      }
    },
    async close() {
      await admin.end()
      stopTestPostgres(server)
    },
  }
}
