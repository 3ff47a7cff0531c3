/**
 * workerConnection: the WAL is copied into the database file by the worker thread while the store is
 * open, not by a commit on the main thread (the backstop mark is far above what is written here); and
 * the background writes (nonce and read-audit batches) are committed by the worker's connection.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import SQLite from 'better-sqlite3'
import { sql } from 'kysely'
import { openStore } from '../../../server/db/connect'
import { migrateToLatest } from '../../../server/db/migrate'
import { BACKSTOP_AUTOCHECKPOINT_PAGES, SqliteWorkerConnection } from '../../../server/db/sqlite-worker-connection'
import { DbNonceStore } from '../../../server/nonces/db'
import { AuditBuffer } from '../../../server/repositories/audit'
import { countNonces } from '../../../server/repositories/nonces'

// Waits for an event (the worker's checkpoint), never for a speed: generous on a loaded machine.
jest.setTimeout(120_000)

/** One transaction: a few hundred WAL pages, well below the automatic checkpoint's 1,000. */
async function writeAbout(db: ReturnType<typeof openStore>['db'], bytes: number): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await sql`create table filler (id integer primary key, pad text not null)`.execute(trx)
    const pad = 'x'.repeat(4000)
    for (let i = 0; i < bytes / 4000; i++) await sql`insert into filler (pad) values (${pad})`.execute(trx)
  })
}

describe('SQLite checkpoints in a worker thread', () => {
  let dir: string
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'yl-checkpoint-'))
  })
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('moves the WAL into the database file while the store is open', async () => {
    const path = join(dir, 'on.sqlite')
    const store = openStore({ sqlitePath: path, workerConnection: true })
    try {
      const { rows } = await sql<{ wal_autocheckpoint: number }>`pragma wal_autocheckpoint`.execute(store.db)
      expect(rows[0].wal_autocheckpoint).toBe(BACKSTOP_AUTOCHECKPOINT_PAGES)
      await writeAbout(store.db, 3_000_000)
      const deadline = Date.now() + 100_000
      while (statSync(path).size < 3_000_000 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100))
      expect(statSync(path).size).toBeGreaterThanOrEqual(3_000_000)
    } finally {
      await store.db.destroy()
    }
  })

  it('without it, the same writes stay in the WAL (no commit reached the automatic mark)', async () => {
    const path = join(dir, 'off.sqlite')
    const store = openStore({ sqlitePath: path })
    try {
      await writeAbout(store.db, 3_000_000)
      await new Promise((r) => setTimeout(r, 1500))
      expect(statSync(path).size).toBeLessThan(1_000_000)
      expect(statSync(`${path}-wal`).size).toBeGreaterThanOrEqual(3_000_000)
    } finally {
      await store.db.destroy()
    }
  })
})

describe('background writes on the worker connection', () => {
  let dir: string
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'yl-worker-writes-'))
  })
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  /** Changes with every commit made by ANOTHER connection to the file, never with this connection's own. */
  const dataVersion = async (db: ReturnType<typeof openStore>['db']): Promise<number> =>
    Number((await sql<{ data_version: number }>`pragma data_version`.execute(db)).rows[0].data_version)

  it('nonce batches and read-audit batches are committed by the worker connection, and the main one reads them', async () => {
    const store = openStore({ sqlitePath: join(dir, 'writes.sqlite'), workerConnection: true })
    const nonces = new DbNonceStore(store.db, { purgeEveryMs: 0, writes: store.background })
    const audit = new AuditBuffer(store.db, { writes: store.background })
    try {
      await migrateToLatest(store)
      const later = new Date(Date.now() + 300_000)
      const v0 = await dataVersion(store.db)
      const answers = await Promise.all([nonces.use('n-1', later, new Date()), nonces.use('n-2', later, new Date()), nonces.use('n-1', later, new Date())])
      expect(answers).toEqual([true, true, false])
      expect(await nonces.use('n-2', later, new Date())).toBe(false)
      expect(await countNonces(store.db)).toBe(2)
      const v1 = await dataVersion(store.db)
      expect(v1).not.toBe(v0)
      audit.append({ at: new Date().toISOString(), actorType: 'system', actorRef: 'test', action: 'status.read' })
      await audit.flush()
      const { rows } = await sql<{ n: number }>`select count(*) as n from read_audit_log where action = 'status.read'`.execute(store.db)
      expect(Number(rows[0].n)).toBe(1)
      expect(await dataVersion(store.db)).not.toBe(v1)
    } finally {
      await nonces.close()
      await audit.close()
      await store.db.destroy()
    }
  })

  it('the purge of expired nonces runs on the worker connection too, in bounded batches', async () => {
    const store = openStore({ sqlitePath: join(dir, 'purge.sqlite'), workerConnection: true })
    const now = new Date('2026-12-06T04:00:00.000Z')
    const nonces = new DbNonceStore(store.db, { purgeEveryMs: 0, purgeBatch: 7, clock: () => now, writes: store.background })
    try {
      await migrateToLatest(store)
      const past = new Date(now.getTime() - 1000)
      const later = new Date(now.getTime() + 300_000)
      await Promise.all(Array.from({ length: 20 }, (_, i) => nonces.use(`old-${i}`, past, now)))
      await Promise.all(Array.from({ length: 3 }, (_, i) => nonces.use(`live-${i}`, later, now)))
      expect(await countNonces(store.db)).toBe(23)
      const v0 = await dataVersion(store.db)
      await nonces.purgeNow()
      expect(await countNonces(store.db)).toBe(3)
      expect(await dataVersion(store.db)).not.toBe(v0)
      expect(await nonces.use('live-1', later, now)).toBe(false)
    } finally {
      await nonces.close()
      await store.db.destroy()
    }
  })

  it('without the worker connection the same writes are the store’s own (data_version unchanged)', async () => {
    const store = openStore({ sqlitePath: join(dir, 'plain.sqlite') })
    const nonces = new DbNonceStore(store.db, { purgeEveryMs: 0, writes: store.background })
    try {
      await migrateToLatest(store)
      const v0 = await dataVersion(store.db)
      expect(await nonces.use('n-1', new Date(Date.now() + 300_000), new Date())).toBe(true)
      expect(await countNonces(store.db)).toBe(1)
      expect(await dataVersion(store.db)).toBe(v0)
    } finally {
      await nonces.close()
      await store.db.destroy()
    }
  })

  it('main-connection transactions take the write lock at BEGIN, so a worker commit cannot make their first write fail', async () => {
    const path = join(dir, 'immediate.sqlite')
    const store = openStore({ sqlitePath: path, workerConnection: true })
    const other = new SQLite(path)
    other.pragma('busy_timeout = 0')
    try {
      await migrateToLatest(store)
      await store.db.transaction().execute(async (trx) => {
        await trx.selectFrom('used_nonces').select('nonce').execute()
        // nothing written yet, and another writer is already shut out
        expect(() => other.exec('begin immediate')).toThrow(expect.objectContaining({ code: 'SQLITE_BUSY' }))
        await trx.insertInto('used_nonces').values({ nonce: 'in-trx', expires_at: '2099-01-01T00:00:00.000Z' }).execute()
      })
      // background writes sent while a main transaction holds the lock longer than the worker waits
      // end up written all the same (on the worker once the lock is free, or on the main connection)
      let sent: Promise<unknown[]>[] = []
      await store.db.transaction().execute(async (trx) => {
        await trx.insertInto('used_nonces').values({ nonce: 'held', expires_at: '2099-01-01T00:00:00.000Z' }).execute()
        sent = Array.from({ length: 5 }, (_, i) =>
          store.background!.run(store.db.insertInto('used_nonces').values({ nonce: `bg-${i}`, expires_at: '2099-01-01T00:00:00.000Z' }).onConflict((oc) => oc.column('nonce').doNothing()).returning('nonce')),
        )
        await new Promise((r) => setTimeout(r, 400))
      })
      expect((await Promise.all(sent)).map((rows) => rows.length)).toEqual([1, 1, 1, 1, 1])
      expect(await countNonces(store.db)).toBe(7)
    } finally {
      other.close()
      await store.db.destroy()
    }
  })

  it('a write refused for the main connection’s lock says SQLITE_BUSY (the caller then writes on the main connection)', async () => {
    const path = join(dir, 'busy.sqlite')
    const store = openStore({ sqlitePath: path })
    await sql`create table t (id integer primary key)`.execute(store.db)
    const worker = new SqliteWorkerConnection(path, 1000, 0)
    try {
      await store.db.transaction().execute(async (trx) => {
        await sql`insert into t (id) values (1)`.execute(trx)
        await expect(worker.run({ sql: 'insert into t (id) values (?)', parameters: [2] })).rejects.toMatchObject({ code: expect.stringMatching(/^SQLITE_BUSY/) })
      })
      expect(await worker.run({ sql: 'insert into t (id) values (?) returning id', parameters: [2] })).toEqual([{ id: 2 }])
    } finally {
      await worker.stop()
      await store.db.destroy()
    }
  })

  it('a failing statement answers with SQLite’s code; a stopped worker refuses new work', async () => {
    const path = join(dir, 'direct.sqlite')
    const store = openStore({ sqlitePath: path })
    await sql`create table t (id integer primary key)`.execute(store.db)
    const worker = new SqliteWorkerConnection(path)
    try {
      expect(await worker.run({ sql: 'insert into t (id) values (?) returning id', parameters: [1] })).toEqual([{ id: 1 }])
      await expect(worker.run({ sql: 'insert into t (id) values (?)', parameters: [1] })).rejects.toMatchObject({ code: 'SQLITE_CONSTRAINT_PRIMARYKEY' })
      await worker.stop()
      expect(worker.available).toBe(false)
      await expect(worker.run({ sql: 'select 1', parameters: [] })).rejects.toMatchObject({ code: 'WORKER_GONE' })
    } finally {
      await worker.stop()
      await store.db.destroy()
    }
  })
})
