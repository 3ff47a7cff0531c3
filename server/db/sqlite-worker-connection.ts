/**
 * A second connection to a SQLite file, in a worker thread, for the work that must not run on the event
 * loop. better-sqlite3 runs on the calling thread, so whatever it waits for, every request waits for.
 *
 * - WAL checkpoints. SQLite's automatic checkpoint runs inside whichever commit crosses
 *   wal_autocheckpoint pages: that request's thread copies the whole WAL into the database file and
 *   syncs it. Here PASSIVE checkpoints run every second (they never block readers or writers), so the
 *   WAL stays short. The automatic checkpoint stays on as a backstop at a higher mark.
 * - Background writes: batched rows nobody reads back at once (request nonces, read-audit rows), so
 *   the main connection's page cache and write lock are not taken for them hundreds of times a second.
 *   Both connections commit with synchronous NORMAL (no fsync inside a commit; the checkpoint syncs).
 *   The main connection's commits are made durable before anyone is told of them: every answer waits
 *   for a sync of the WAL that covers them (durable-commits.ts). This connection's rows are not waited
 *   for: a crash of the process loses nothing, a power cut can lose the rows no sync has covered yet —
 *   the same trade as the UNLOGGED nonce table on PostgreSQL (a nonce of the last moments could be
 *   replayed once) and the read-audit buffer (its last 100 ms).
 * Statements arrive compiled (SQL text and values, as Kysely compiles them) and run one at a time, in
 * the order they were sent. If the worker dies, writes in flight are refused and later ones fall back
 * to the caller. Two writers on one file: the main connection's transactions begin IMMEDIATE (see
 * connect.ts).
 */
import { Worker } from 'node:worker_threads'

/** Pages of WAL (4 KiB each on a new file: 16 MB) after which a commit checkpoints by itself anyway. */
export const BACKSTOP_AUTOCHECKPOINT_PAGES = 4000

const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads')
const SQLite = require(workerData.driver)
const db = new SQLite(workerData.path, { fileMustExist: true })
db.pragma('busy_timeout = ' + workerData.busyTimeoutMs)
db.pragma('foreign_keys = ON')
db.pragma('synchronous = NORMAL')
const statements = new Map()
const tick = () => {
  try {
    db.pragma('wal_checkpoint(PASSIVE)')
  } catch {
    // Busy or closing: the next tick tries again.
  }
}
const timer = setInterval(tick, workerData.everyMs)
parentPort.on('message', (message) => {
  if (message === 'stop') {
    clearInterval(timer)
    db.close()
    parentPort.close()
    return
  }
  const { id, sql, parameters } = message
  try {
    let stmt = statements.get(sql)
    if (!stmt) {
      stmt = db.prepare(sql)
      if (statements.size >= 100) statements.delete(statements.keys().next().value)
      statements.set(sql, stmt)
    }
    const rows = stmt.reader ? stmt.all(parameters) : (stmt.run(parameters), [])
    parentPort.postMessage({ id, rows })
  } catch (err) {
    parentPort.postMessage({ id, error: { message: String(err && err.message), code: err && err.code } })
  }
})
`

/** A statement as Kysely compiles it. */
export interface CompiledWrite {
  sql: string
  parameters: readonly unknown[]
}

interface Waiting {
  resolve: (rows: unknown[]) => void
  reject: (err: unknown) => void
}

export class SqliteWorkerConnection {
  private readonly worker: Worker
  private readonly waiting = new Map<number, Waiting>()
  private nextId = 1
  private alive = true

  /**
   * busyTimeoutMs: how long a write waits for the main connection's write lock before it is refused
   * with SQLITE_BUSY (the main connection's transactions take milliseconds; an import's takes seconds,
   * and then the caller writes on the main connection instead, see connect.ts).
   */
  constructor(path: string, everyMs = 1000, busyTimeoutMs = 250) {
    this.worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { path, everyMs, busyTimeoutMs, driver: require.resolve('better-sqlite3') } })
    this.worker.on('message', (m: { id: number; rows?: unknown[]; error?: { message: string; code?: string } }) => {
      const w = this.waiting.get(m.id)
      if (!w) return
      this.waiting.delete(m.id)
      if (m.error) w.reject(Object.assign(new Error(m.error.message), { code: m.error.code }))
      else w.resolve(m.rows ?? [])
    })
    // A worker that cannot run must never take the process down: its writes are refused and the
    // caller runs them itself (see run); the automatic checkpoint remains.
    const gone = (): void => {
      this.alive = false
      const err = Object.assign(new Error('SQLite worker connection ended'), { code: 'WORKER_GONE' })
      for (const w of this.waiting.values()) w.reject(err)
      this.waiting.clear()
    }
    this.worker.on('error', gone)
    this.worker.on('exit', gone)
    this.worker.unref()
  }

  /** False once the worker has ended (stopped or failed). */
  get available(): boolean {
    return this.alive
  }

  /** Runs one statement on the worker's connection; its rows (empty for a statement without RETURNING). */
  run<R>(query: CompiledWrite): Promise<R[]> {
    if (!this.alive) return Promise.reject(Object.assign(new Error('SQLite worker connection ended'), { code: 'WORKER_GONE' }))
    return new Promise<R[]>((resolve, reject) => {
      const id = this.nextId++
      this.waiting.set(id, { resolve: resolve as (rows: unknown[]) => void, reject })
      this.worker.postMessage({ id, sql: query.sql, parameters: query.parameters })
    })
  }

  /** Asks the worker to finish what it was sent, close its connection and end; resolves when it has. */
  stop(): Promise<void> {
    if (!this.alive) return Promise.resolve()
    return new Promise((resolve) => {
      this.worker.once('exit', () => resolve())
      this.worker.postMessage('stop')
    })
  }
}
