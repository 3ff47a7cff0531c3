/** Opens the store: PostgreSQL when a URL is given, otherwise a SQLite file (created if missing). */
import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import SQLite from 'better-sqlite3'
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely'
import pg from 'pg'
import type { Database, Dialect } from './schema'

export interface Store {
  db: Kysely<Database>
  dialect: Dialect
  /** Where it lives, without credentials: a file path or host/database. */
  describe: string
}

export interface OpenStoreOptions {
  databaseUrl?: string
  sqlitePath: string
  poolSize?: number
}

function describePg(url: string): string {
  try {
    const u = new URL(url)
    return `postgres://${u.hostname}:${u.port || 5432}${u.pathname}`
  } catch {
    return 'postgres'
  }
}

export function openStore(options: OpenStoreOptions): Store {
  if (options.databaseUrl) {
    const pool = new pg.Pool({ connectionString: options.databaseUrl, max: options.poolSize ?? 10 })
    return { db: new Kysely<Database>({ dialect: new PostgresDialect({ pool }) }), dialect: 'postgres', describe: describePg(options.databaseUrl) }
  }
  if (options.sqlitePath !== ':memory:') mkdirSync(dirname(options.sqlitePath), { recursive: true })
  const file = new SQLite(options.sqlitePath)
  file.pragma('journal_mode = WAL')
  file.pragma('foreign_keys = ON')
  file.pragma('busy_timeout = 5000')
  return { db: new Kysely<Database>({ dialect: new SqliteDialect({ database: file }) }), dialect: 'sqlite', describe: options.sqlitePath }
}
