/**
 * checkpointInWorker: the WAL is copied into the database file by the worker thread while the store is
 * open, not by a commit on the main thread (the backstop mark is far above what is written here).
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { sql } from 'kysely'
import { openStore } from '../../../server/db/connect'
import { BACKSTOP_AUTOCHECKPOINT_PAGES } from '../../../server/db/sqlite-checkpointer'

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
    const store = openStore({ sqlitePath: path, checkpointInWorker: true })
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
