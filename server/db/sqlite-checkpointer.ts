/**
 * WAL checkpoints of a SQLite file, off the event loop. better-sqlite3 runs on the calling thread, and
 * SQLite's automatic checkpoint runs inside whichever commit crosses wal_autocheckpoint pages: that
 * request's thread then copies the whole WAL into the database file and syncs it, and every other
 * request waits. Here a worker thread with its own connection runs PASSIVE checkpoints every second
 * (they never block readers or writers), so the WAL stays short and commits on the main thread find
 * little or nothing to checkpoint. The automatic checkpoint stays on as a backstop at a higher mark.
 */
import { Worker } from 'node:worker_threads'

/** Pages of WAL (16 KiB each on a new file) after which a commit checkpoints by itself anyway. */
export const BACKSTOP_AUTOCHECKPOINT_PAGES = 4000

const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads')
const SQLite = require(workerData.driver)
const db = new SQLite(workerData.path, { fileMustExist: true })
db.pragma('busy_timeout = 0')
const tick = () => {
  try {
    db.pragma('wal_checkpoint(PASSIVE)')
  } catch {
    // Busy or closing: the next tick tries again.
  }
}
const timer = setInterval(tick, workerData.everyMs)
parentPort.on('message', (message) => {
  if (message !== 'stop') return
  clearInterval(timer)
  db.close()
  parentPort.close()
})
`

export class SqliteCheckpointer {
  private readonly worker: Worker

  constructor(path: string, everyMs = 1000) {
    this.worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { path, everyMs, driver: require.resolve('better-sqlite3') } })
    // A checkpoint that cannot run is harmless (the backstop remains); never take the process down.
    this.worker.on('error', () => {})
    this.worker.unref()
  }

  /** Asks the worker to close its connection and end; resolves when it has. */
  stop(): Promise<void> {
    return new Promise((resolve) => {
      this.worker.once('exit', () => resolve())
      this.worker.postMessage('stop')
    })
  }
}
