/**
 * Commits on the main SQLite connection are counted as Kysely makes them, and the answers wait for a
 * WAL sync that started after the last of them (server/db/durable-commits.ts): one sync for everyone
 * who waits while none runs, one more for everyone who committed while it ran, none when nothing is
 * unsynced; a failed sync is reported to those waiting and tried again by the next.
 */
import { existsSync, fstatSync, mkdtempSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs'
import { open, type FileHandle } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { sql } from 'kysely'
import { openStore, type Store } from '../../../server/db/connect'
import { DurableCommits, walFileSync, type WalSync } from '../../../server/db/durable-commits'
import { migrateToLatest } from '../../../server/db/migrate'

/** A WAL sync the test finishes by hand. */
class HeldSync implements WalSync {
  readonly calls: { resolve: () => void; reject: (err: Error) => void }[] = []
  closed = false
  sync(): Promise<void> {
    return new Promise((resolve, reject) => this.calls.push({ resolve, reject }))
  }
  async close(): Promise<void> {
    this.closed = true
  }
}

/** Whether `p` has settled after the pending callbacks ran. */
async function state(p: Promise<void>): Promise<'pending' | 'resolved' | 'rejected'> {
  let s: 'pending' | 'resolved' | 'rejected' = 'pending'
  p.then(
    () => (s = 'resolved'),
    () => (s = 'rejected'),
  )
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r))
  return s
}

/** A DurableCommits over a sync the test finishes by hand. */
function held(): { wal: HeldSync; d: DurableCommits } {
  const wal = new HeldSync()
  return { wal, d: new DurableCommits(wal) }
}

describe('DurableCommits', () => {
  it('nothing committed: nobody waits and nothing is synced', () => {
    const { wal, d } = held()
    expect(d.settled()).toBeUndefined()
    expect(d.allSynced).toBe(true)
    expect(wal.calls).toHaveLength(0)
  })

  it('waiters share one sync; a commit made while it runs waits for the next one, shared too', async () => {
    const { wal, d } = held()
    d.noteCommit()
    const a = d.settled()!
    const b = d.settled()!
    expect(wal.calls).toHaveLength(1)
    d.noteCommit() // after the running sync started: it does not cover this one
    const c = d.settled()!
    d.noteCommit()
    const e = d.settled()!
    expect(wal.calls).toHaveLength(1) // the next sync waits for the running one
    wal.calls[0].resolve()
    expect(await state(a)).toBe('resolved')
    expect(await state(b)).toBe('resolved')
    expect(await state(c)).toBe('pending')
    expect(wal.calls).toHaveLength(2) // one more, for c and e together
    expect(d.allSynced).toBe(false)
    wal.calls[1].resolve()
    expect(await state(c)).toBe('resolved')
    expect(await state(e)).toBe('resolved')
    expect(d.allSynced).toBe(true)
    expect(d.settled()).toBeUndefined()
    expect(wal.calls).toHaveLength(2)
  })

  it('a failed sync rejects its waiters, the queued one still runs, and the next caller syncs again', async () => {
    const { wal, d } = held()
    d.noteCommit()
    const a = d.settled()!
    d.noteCommit()
    const b = d.settled()!
    wal.calls[0].reject(new Error('EIO'))
    expect(await state(a)).toBe('rejected')
    expect(wal.calls).toHaveLength(2)
    wal.calls[1].reject(new Error('EIO'))
    expect(await state(b)).toBe('rejected')
    expect(d.allSynced).toBe(false)
    const c = d.settled()!
    expect(wal.calls).toHaveLength(3)
    wal.calls[2].resolve()
    expect(await state(c)).toBe('resolved')
    expect(d.allSynced).toBe(true)
  })
})

describe('commits counted on a SQLite file store', () => {
  let dir: string
  let store: Store
  let wal: HeldSync
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'yl-durable-'))
    wal = new HeldSync()
    store = openStore({ sqlitePath: join(dir, 'test.sqlite'), walSync: () => wal })
    await migrateToLatest(store)
    await releaseAll() // migrations commit too
  })
  afterAll(async () => {
    await store.db.destroy()
    rmSync(dir, { recursive: true, force: true })
  })

  async function releaseAll(): Promise<void> {
    for (let pending = store.durable!.settled(); pending; pending = store.durable!.settled()) {
      const p = pending
      while (wal.calls.length) wal.calls.shift()!.resolve()
      await p
    }
  }

  it('a write outside a transaction (also INSERT … RETURNING) is a commit; a read is not', async () => {
    expect(store.durable!.allSynced).toBe(true)
    await store.db.selectFrom('persons').select('id').limit(1).execute()
    expect(store.durable!.allSynced).toBe(true)
    await sql`create table if not exists durable_probe (id integer primary key, v text)`.execute(store.db)
    await releaseAll()
    await store.db.insertInto('durable_probe' as never).values({ v: 'a' } as never).execute()
    expect(store.durable!.allSynced).toBe(false)
    await releaseAll()
    const rows = await store.db.insertInto('durable_probe' as never).values({ v: 'b' } as never).returning('id' as never).execute()
    expect(rows).toHaveLength(1)
    expect(store.durable!.allSynced).toBe(false)
    await releaseAll()
    expect(store.durable!.allSynced).toBe(true)
  })

  it('inside a transaction the writes count at its commit, and a rolled-back one not at all', async () => {
    await store.db.transaction().execute(async (trx) => {
      await trx.insertInto('durable_probe' as never).values({ v: 'c' } as never).execute()
      expect(store.durable!.allSynced).toBe(true)
    })
    expect(store.durable!.allSynced).toBe(false)
    await releaseAll()
    await expect(
      store.db.transaction().execute(async (trx) => {
        await trx.insertInto('durable_probe' as never).values({ v: 'd' } as never).execute()
        throw new Error('undo')
      }),
    ).rejects.toThrow('undo')
    expect(store.durable!.allSynced).toBe(true)
  })

  it('an in-memory store has nothing to sync', async () => {
    const memory = openStore({ sqlitePath: ':memory:' })
    expect(memory.durable).toBeUndefined()
    await memory.db.destroy()
  })
})

describe('walFileSync', () => {
  it('syncs the WAL file, follows a WAL made anew, and finds nothing to sync when there is none', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'yl-walsync-'))
    // Which files were synced: the inode behind each handle datasync was called on.
    const synced: number[] = []
    const probe = await open(join(dir, 'probe'), 'w')
    const proto = Object.getPrototypeOf(probe) as FileHandle
    await probe.close()
    const real = proto.datasync
    const spy = jest.spyOn(proto, 'datasync').mockImplementation(async function (this: FileHandle) {
      synced.push(fstatSync(this.fd).ino)
      return real.call(this)
    })
    try {
      const path = join(dir, 'x.sqlite-wal')
      const s = walFileSync(path)
      await expect(s.sync()).resolves.toBeUndefined() // no WAL yet
      expect(synced).toEqual([])
      writeFileSync(path, 'frames')
      const first = statSync(path).ino
      await expect(s.sync()).resolves.toBeUndefined()
      expect(synced).toEqual([first])
      unlinkSync(path)
      await expect(s.sync()).resolves.toBeUndefined() // the fd it held is of a deleted file
      writeFileSync(path, 'new frames')
      const second = statSync(path).ino
      synced.length = 0
      await expect(s.sync()).resolves.toBeUndefined()
      expect(synced).toEqual([second])
      // Deleted and made anew between two syncs: the new file is synced in the same call.
      unlinkSync(path)
      writeFileSync(path, 'newer frames')
      const third = statSync(path).ino
      synced.length = 0
      await expect(s.sync()).resolves.toBeUndefined()
      expect(synced.at(-1)).toBe(third)
      await s.close()
      expect(existsSync(path)).toBe(true)
    } finally {
      spy.mockRestore()
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('a real store answers its waiters once the WAL is synced', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'yl-walsync-'))
    const store = openStore({ sqlitePath: join(dir, 'real.sqlite') })
    try {
      await sql`create table t (v text)`.execute(store.db)
      await sql`insert into t values ('x')`.execute(store.db)
      expect(store.durable!.allSynced).toBe(false)
      await store.durable!.settled()
      expect(store.durable!.allSynced).toBe(true)
    } finally {
      await store.db.destroy()
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
