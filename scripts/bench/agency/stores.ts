/**
 * The agency bench's stores: each bench database is opened by the shared helper
 * (scripts/bench/support/stores.ts, also used by scripts/bench/reminders.ts); here only where the
 * files or databases live and how the table labels them.
 */
import { join } from 'node:path'
import pg from 'pg'
import { startTestPostgres, stopTestPostgres, type TestPostgres } from '../../support/throwaway-postgres'
import { openPostgresBenchDb, openSqliteBenchDb, type Backend } from '../support/stores'

export type { Backend, BenchDb, Cell } from '../support/stores'

export function sqliteBackend(dir: string): Backend {
  return {
    label: 'SQLite',
    async open(name) {
      return openSqliteBenchDb(join(dir, `${name}.sqlite`), name)
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
      return openPostgresBenchDb(url.toString())
    },
    async close() {
      await admin.end()
      stopTestPostgres(server)
    },
  }
}
