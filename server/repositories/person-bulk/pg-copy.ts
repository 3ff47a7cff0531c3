/**
 * PostgreSQL COPY for the persons bulk writer (and the benchmark's data generation): the node-postgres
 * client behind a Kysely PostgreSQL instance, and a writer that streams rows in COPY's text format.
 * A multi-row INSERT costs the server a parse, a plan and a bound parameter per value; COPY only
 * parses the text (the import's write half at 1 M rows: 7 k → 57 k rows/s, docs/bench-reminders.md).
 */
import { once } from 'node:events'
import { CompiledQuery, PostgresAdapter } from 'kysely'
import pg from 'pg'
import { from as copyFrom } from 'pg-copy-streams'
import type { Writable } from 'node:stream'
import { escapeCell } from './copy-text'
import type { Db } from '../types'

/** True when the Kysely instance (or transaction) talks to PostgreSQL. */
export function isPostgres(db: Db): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter
}

type QueryFn = (this: pg.ClientBase, ...args: unknown[]) => unknown

/** Probes waiting for their marker query, by its text; the query hook is installed while any waits. */
const probes = new Map<string, (client: pg.ClientBase) => void>()
let originalQuery: QueryFn | undefined
let probeSeq = 0

function hookQuery(): void {
  if (originalQuery) return
  const proto = pg.Client.prototype as unknown as { query: QueryFn }
  const original = proto.query
  originalQuery = original
  proto.query = function query(this: pg.ClientBase, ...args: unknown[]) {
    const found = typeof args[0] === 'string' ? probes.get(args[0]) : undefined
    if (found) found(this)
    return original.apply(this, args)
  }
}

function unhookQuery(): void {
  if (probes.size > 0 || !originalQuery) return
  ;(pg.Client.prototype as unknown as { query: QueryFn }).query = originalQuery
  originalQuery = undefined
}

/**
 * The pg client a Kysely PostgreSQL transaction runs on. Kysely keeps it private, so it is recognised
 * once: a marker query (its own text per call, so imports probing at the same time do not mix) runs
 * through the transaction while pg.Client.prototype.query notes which client runs it. Statements (and
 * COPY) sent on it are part of that transaction; the caller must not run Kysely queries on the
 * transaction while a COPY is open on the client. Returns undefined when the store is not node-postgres.
 */
export async function rawPgClient(trx: Db): Promise<pg.ClientBase | undefined> {
  if (!isPostgres(trx)) return undefined
  const probe = `select 'yinling-roster-pg-client-${++probeSeq}' as probe`
  let found: pg.ClientBase | undefined
  probes.set(probe, (client) => (found = client))
  hookQuery()
  try {
    await trx.executeQuery(CompiledQuery.raw(probe, []))
  } finally {
    probes.delete(probe)
    unhookQuery()
  }
  return found
}

export { copyLine } from './copy-text'

/** Bytes buffered before they are handed to the stream (one write per ~256 KiB, not per row). */
const FLUSH_BYTES = 256 * 1024
const TAB = 0x09

/**
 * `COPY … FROM STDIN` on `client`, fed line by line (copyLine) or with rows already encoded
 * (writeEncoded). Rows are put straight into a byte buffer, handed to the stream when full: no string
 * per line to concatenate, flatten and encode. A failed COPY (a unique violation, a check constraint)
 * surfaces at the next write or at end(); the transaction it ran in is then aborted.
 */
export class CopyWriter {
  private readonly stream: Writable & { rowCount?: number }
  private buf = Buffer.allocUnsafe(FLUSH_BYTES * 2)
  private used = 0
  private failure: Error | undefined
  private settled = false

  constructor(client: pg.ClientBase, statement: string) {
    this.stream = client.query(copyFrom(statement))
    // Without a listener an error between writes would be thrown as an uncaught 'error' event.
    this.stream.on('error', (e: Error) => (this.failure ??= e))
  }

  /** Room for `bytes` more. */
  private reserve(bytes: number): void {
    if (this.used + bytes <= this.buf.length) return
    const next = Buffer.allocUnsafe(Math.max(this.buf.length, this.used + bytes))
    this.buf.copy(next, 0, 0, this.used)
    this.buf = next
  }

  /** Queues one line; resolves at once unless the stream wants the caller to wait. */
  write(line: string): void | Promise<void> {
    this.reserve(line.length * 3)
    this.used += this.buf.write(line, this.used, 'utf8')
    if (this.used >= FLUSH_BYTES) return this.flush()
  }

  /** One cell (never NULL) escaped, without the tab after it; ASCII without special characters is copied as it is. */
  private cell(v: string): void {
    const buf = this.buf
    let at = this.used
    for (let i = 0; i < v.length; i++) {
      const c = v.charCodeAt(i)
      if (c >= 0x80 || c === 0x5c || c === 0x09 || c === 0x0a || c === 0x0d) {
        this.used += buf.write(escapeCell(v), this.used, 'utf8')
        return
      }
      buf[at++] = c
    }
    this.used = at
  }

  /**
   * One line: `head` as cells, then `bytes[start, end)` (the rest of the row's cells, already in COPY's
   * text format, e.g. a CopyRows row), then `suffix` (more encoded cells, starting with a tab, and the
   * line end). Resolves at once unless the stream wants the caller to wait.
   */
  writeEncoded(head: ArrayLike<string>, bytes: Uint8Array, start: number, end: number, suffix: Uint8Array): void | Promise<void> {
    let room = end - start + suffix.length
    for (let i = 0; i < head.length; i++) room += head[i].length * 3 + 1
    this.reserve(room)
    for (let i = 0; i < head.length; i++) {
      this.cell(head[i])
      this.buf[this.used++] = TAB
    }
    this.buf.set(bytes.subarray(start, end), this.used)
    this.used += end - start
    this.buf.set(suffix, this.used)
    this.used += suffix.length
    if (this.used >= FLUSH_BYTES) return this.flush()
  }

  private async flush(): Promise<void> {
    if (this.failure) throw this.failure
    if (this.used === 0) return
    // The stream keeps the bytes it is given until they are sent: hand over this buffer, start another.
    const bytes = this.buf.subarray(0, this.used)
    this.buf = Buffer.allocUnsafe(FLUSH_BYTES * 2)
    this.used = 0
    if (!this.stream.write(bytes)) await once(this.stream, 'drain') // rejects if the COPY fails meanwhile
    if (this.failure) throw this.failure
  }

  /** Ends the COPY; resolves with the rows the server took, rejects with its error. */
  async end(): Promise<number> {
    await this.flush()
    const done = new Promise<void>((resolve, reject) => {
      this.stream.once('finish', resolve)
      this.stream.once('error', reject)
    })
    this.stream.end()
    try {
      await done
    } finally {
      this.settled = true
    }
    if (this.failure) throw this.failure
    return this.stream.rowCount ?? 0
  }

  /**
   * Cancels an open COPY (CopyFail): the connection is usable again once the server has answered, so
   * the transaction around it can be rolled back. Nothing to do when it already ended or failed.
   */
  async abort(): Promise<void> {
    if (this.settled || this.stream.destroyed) return
    this.settled = true
    const closed = once(this.stream, 'close').catch(() => undefined)
    this.stream.destroy(new Error('roster import stopped'))
    await closed
  }
}
