/**
 * Test stores on both dialects. SQLite: a temp file. PostgreSQL: a fresh database (CREATE DATABASE)
 * in the server started by the jest globalSetup (postgres-setup.ts, URL in YL_TEST_PG_URL); when
 * the globalSetup is not configured, a private server is started for this test file instead, so
 * the suites still run on a real PostgreSQL (slower), and still fail loudly if none can be had.
 *
 *   describe.each(DIALECTS)('… on %s', (dialect) => { … await createTestStore(dialect) … })
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { randomBytes } from 'node:crypto'
import pg from 'pg'
import { openStore, type Store } from '../../server/db/connect'
import { migrateToLatest } from '../../server/db/migrate'
import type { Dialect } from '../../server/db/schema'
import { PG_URL_ENV, startTestPostgres, stopTestPostgres, type TestPostgres } from './postgres'

export const DIALECTS: readonly Dialect[] = ['sqlite', 'postgres']

/** Time a test file should allow for creating a PostgreSQL store (a private server may start). */
export const STORE_SETUP_TIMEOUT_MS = 90_000

export interface TestStore {
  store: Store
  dialect: Dialect
  /** For SQLite the file path, for PostgreSQL the database URL. */
  location: string
  close(): Promise<void>
}

let privateServer: Promise<TestPostgres> | undefined
let privateUsers = 0

async function serverUrl(): Promise<{ url: string; release: () => void }> {
  const shared = process.env[PG_URL_ENV]
  if (shared) return { url: shared, release: () => {} }
  privateServer ??= startTestPostgres()
  privateUsers++
  const server = await privateServer
  return {
    url: server.url,
    release: () => {
      if (--privateUsers === 0 && privateServer) {
        privateServer = undefined
        stopTestPostgres(server)
      }
    },
  }
}

async function admin<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    return await fn(client)
  } finally {
    await client.end()
  }
}

export async function createTestStore(dialect: Dialect): Promise<TestStore> {
  if (dialect === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'yl-sqlite-'))
    const file = join(dir, 'test.sqlite')
    const store = openStore({ sqlitePath: file })
    return {
      store,
      dialect,
      location: file,
      close: async () => {
        await store.db.destroy()
        rmSync(dir, { recursive: true, force: true })
      },
    }
  }
  const { url, release } = await serverUrl()
  const name = `yl_test_${randomBytes(6).toString('hex')}`
  await admin(url, (c) => c.query(`create database ${name}`))
  const dbUrl = new URL(url)
  dbUrl.pathname = `/${name}`
  const store = openStore({ databaseUrl: dbUrl.toString(), sqlitePath: '', poolSize: 5 })
  return {
    store,
    dialect,
    location: dbUrl.toString(),
    close: async () => {
      await store.db.destroy()
      try {
        await admin(url, (c) => c.query(`drop database if exists ${name} with (force)`))
      } finally {
        release()
      }
    },
  }
}

/**
 * A migrated store for the enclosing describe block: created before its tests, closed after them.
 * The returned object is filled in by beforeAll, so tests read `t.store` as they would a TestStore.
 */
export function migratedStoreFor(dialect: Dialect): TestStore {
  const holder = { dialect } as TestStore
  beforeAll(async () => {
    Object.assign(holder, await createTestStore(dialect))
    await migrateToLatest(holder.store)
  }, STORE_SETUP_TIMEOUT_MS)
  afterAll(async () => holder.close?.())
  return holder
}

/** Another handle on the same store with its own connection(s), as a second backend instance would have. */
export function openSecondHandle(t: TestStore, poolSize = 5): Store {
  return t.dialect === 'postgres' ? openStore({ databaseUrl: t.location, sqlitePath: '', poolSize }) : openStore({ sqlitePath: t.location })
}
