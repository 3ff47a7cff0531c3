/**
 * Nobody is told of a commit on the main SQLite connection before it is on disk, and the event loop
 * never waits for the disk.
 *
 * better-sqlite3 is built with SQLITE_DEFAULT_WAL_SYNCHRONOUS=1: a connection in WAL mode commits with
 * synchronous NORMAL unless told otherwise, so a commit writes its frames to the WAL and returns without
 * an fsync. A process crash (SIGKILL) loses nothing, but a power cut or a kernel panic can lose the
 * last commits — a record a retiree was told had passed, a binding her daughter was told was made.
 * synchronous FULL would fsync inside every commit, on the event loop (about 10 % of the completion
 * rate here, and a slow disk holds every other request meanwhile). Instead the commits stay NORMAL and
 * every answer waits, before it is sent, until the WAL has been synced after the last commit made so
 * far (an fdatasync on libuv's thread pool). Commits that arrive while one sync runs share the next
 * one: one sync a batch, whatever the rate. A request that committed nothing waits too if someone
 * else's commit is not yet on disk, so no answer ever reports what a power cut could take back; with
 * nothing unsynced it does not wait at all.
 *
 * A commit is counted when Kysely's statement for it is prepared (connect.ts): a `commit`, or a write
 * outside a transaction (it commits by itself). better-sqlite3 runs it synchronously right after, so
 * a sync that starts later covers it. The roster import's raw statements run inside a Kysely
 * transaction, so its commit is counted. The worker connection's rows (nonces, read-audit rows) are
 * NORMAL on purpose (sqlite-worker-connection.ts); a sync of the WAL covers them too when it runs.
 */
import { open, type FileHandle } from 'node:fs/promises'

/** How the WAL gets to the disk; tests hold it to see who waits. */
export interface WalSync {
  /** Resolves once everything written to the WAL file so far is on the disk. */
  sync(): Promise<void>
  close(): Promise<void>
}

/**
 * fdatasync of the WAL file, on an fd of its own (Linux syncs a file's data whichever fd wrote it).
 * SQLite deletes the WAL only after copying all of it into the database file and syncing that (the
 * last connection closing, or a switch to a rollback journal for a large import): a missing WAL holds
 * nothing unsynced. A WAL made anew after that is another file: after each sync the fd is checked for
 * a file no name links to any more (one fstat, no path lookup), and the file now at the path synced.
 */
export function walFileSync(walPath: string): WalSync {
  let handle: FileHandle | undefined
  const reopen = async (): Promise<FileHandle | undefined> => {
    await handle?.close().catch(() => undefined)
    handle = undefined
    try {
      handle = await open(walPath, 'r')
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err
    }
    return handle
  }
  return {
    async sync() {
      const h = handle ?? (await reopen())
      if (!h) return
      await h.datasync()
      // Deleted since it was opened (no name links to it any more): a WAL made anew is another file.
      if ((await h.stat()).nlink === 0) await (await reopen())?.datasync()
    },
    async close() {
      await handle?.close().catch(() => undefined)
      handle = undefined
    },
  }
}

export class DurableCommits {
  private committed = 0
  private synced = 0
  private running: { covers: number; done: Promise<void> } | undefined
  private queued: Promise<void> | undefined

  constructor(private readonly wal: WalSync) {}

  /** A commit has been made (or is being made, synchronously, right now). */
  noteCommit(): void {
    this.committed++
  }

  /** Nothing committed so far is still waiting for the disk. */
  get allSynced(): boolean {
    return this.synced >= this.committed
  }

  /** undefined when every commit so far is on disk; otherwise resolves once it is (rejects if the sync fails). */
  settled(): Promise<void> | undefined {
    if (this.allSynced) return undefined
    if (this.running && this.running.covers >= this.committed) return this.running.done
    if (!this.running) return this.start()
    // One sync queued behind the running one, for everyone who committed after it started.
    this.queued ??= this.running.done.then(
      () => this.startQueued(),
      () => this.startQueued(),
    )
    return this.queued
  }

  /** Waits for the last sync, then closes the WAL's fd. */
  async close(): Promise<void> {
    await this.settled()?.catch(() => undefined)
    await this.wal.close()
  }

  private startQueued(): Promise<void> {
    this.queued = undefined
    return this.start()
  }

  private start(): Promise<void> {
    const covers = this.committed
    const done = this.wal.sync().then(
      () => {
        if (covers > this.synced) this.synced = covers
        if (this.running?.done === done) this.running = undefined
      },
      (err: unknown) => {
        if (this.running?.done === done) this.running = undefined
        throw err
      },
    )
    this.running = { covers, done }
    return done
  }
}
