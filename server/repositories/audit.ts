/**
 * The append-only audit log. `detail` must never hold personal data (no names, ID or card numbers,
 * no openids): codes, methods, counts and internal ids only. The database refuses UPDATE and DELETE.
 *
 * Two tables, the same columns: audit_log for actions (writes, refusals, certifications, what a clerk
 * did), with lookup indexes by actor and by subject; read_audit_log for reads (appendReadAudit), which
 * far outnumber actions and are never looked up by the product, with only a time-ordered key
 * (migration 021).
 */
import { ON_THE_STORE, type BackgroundWrites } from '../db/connect'
import type { AuditLogTable } from '../db/schema'
import { newSortableId } from '../db/ids'
import { executeFixed } from './compiled'
import { multiRowInsert } from './multi-row-insert'
import type { Db } from './types'

export interface AuditEntry {
  at: string
  actorType: AuditLogTable['actor_type']
  actorRef: string
  action: string
  subjectPersonId?: string | null
  detail?: Record<string, string | number | boolean | null>
}

/**
 * The stored row of an entry (a new id each time). Time-ordered ids (newSortableId): the table only
 * grows, and a random id put every row on a random page of the id index — with 200,000 rows already
 * there, 50-row batches cost 138–152 µs a row against 85–101 µs time-ordered (better-sqlite3 alone;
 * the two lookup indexes stay random by nature). The id reveals only the millisecond `at` holds anyway
 * and is never shown to anyone.
 */
function auditRow(entry: AuditEntry) {
  return {
    id: newSortableId(),
    at: entry.at,
    actor_type: entry.actorType,
    actor_ref: entry.actorRef,
    action: entry.action,
    subject_person_id: entry.subjectPersonId ?? null,
    detail: JSON.stringify(entry.detail ?? {}),
  }
}

export async function appendAudit(db: Db, entry: AuditEntry): Promise<void> {
  await executeFixed(db, db.insertInto('audit_log').values(auditRow(entry)))
}

const AUDIT_INSERT_CHUNK = 500

type AuditRow = ReturnType<typeof auditRow>

// A buffered batch's text depends only on its row count: written once per count (multi-row-insert.ts).
const insertReadAuditRows = multiRowInsert<'read_audit_log', AuditRow>('read_audit_log', {
  id: (r) => r.id,
  at: (r) => r.at,
  actor_type: (r) => r.actor_type,
  actor_ref: (r) => r.actor_ref,
  action: (r) => r.action,
  subject_person_id: (r) => r.subject_person_id,
  detail: (r) => r.detail,
})

async function appendReadAuditRows(db: Db, entries: readonly AuditEntry[], writes: BackgroundWrites): Promise<void> {
  for (let i = 0; i < entries.length; i += AUDIT_INSERT_CHUNK) {
    const chunk = entries.slice(i, i + AUDIT_INSERT_CHUNK)
    await writes.run(insertReadAuditRows(db, chunk.map(auditRow)))
  }
}

export interface AuditBufferOptions {
  /** Longest a row waits before it is written (default 100 ms). */
  flushMs?: number
  /** A flush starts at once when this many rows wait (default 200). */
  maxRows?: number
  /** Rows kept for a retry after failed writes; beyond it the oldest are given up (default 10,000). */
  maxBuffered?: number
  /** Told about a failed write; `dropped` rows were given up (0: they stay buffered for the next try). */
  onError?: (err: unknown, dropped: number) => void
  /** Where the batches run (a SQLite server's worker connection: no sync on the event loop). */
  writes?: BackgroundWrites
}

/**
 * Audit rows of reads, written into read_audit_log in batches (one INSERT, one commit, for many rows)
 * a moment after the read is answered, so a read does not wait for a commit of its own. close() writes
 * what is left: a clean shutdown loses no row. Writes keep their audit rows in their own transactions
 * (appendAudit, into audit_log).
 */
export class AuditBuffer {
  private rows: AuditEntry[] = []
  private timer: NodeJS.Timeout | undefined
  private flushing: Promise<void> | undefined
  private readonly flushMs: number
  private readonly maxRows: number
  private readonly maxBuffered: number

  constructor(
    private readonly db: Db,
    private readonly opts: AuditBufferOptions = {},
  ) {
    this.flushMs = opts.flushMs ?? 100
    this.maxRows = opts.maxRows ?? 200
    this.maxBuffered = opts.maxBuffered ?? 10_000
  }

  /** Rows waiting to be written. */
  get pending(): number {
    return this.rows.length
  }

  append(entry: AuditEntry): void {
    this.rows.push(entry)
    if (this.rows.length >= this.maxRows) void this.flush()
    else this.timer ??= setTimeout(() => void this.flush(), this.flushMs)
  }

  /** Writes every waiting row (one flush at a time; rows added meanwhile go in the next). */
  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer)
    this.timer = undefined
    // .finally runs after this assignment even when there is nothing to write.
    this.flushing ??= this.writeAll().then((written) => {
      this.flushing = undefined
      // rows appended after the last batch was taken but before this flush was marked finished (after
      // a failed write the rows wait for the next append instead: no retry loop against a broken store)
      if (written && this.rows.length > 0) this.timer ??= setTimeout(() => void this.flush(), this.flushMs)
    })
    return this.flushing
  }

  /** Writes batches until none is left; false when a write failed (its rows are kept). */
  private async writeAll(): Promise<boolean> {
    while (this.rows.length > 0) {
      const batch = this.rows
      this.rows = []
      try {
        await appendReadAuditRows(this.db, batch, this.opts.writes ?? ON_THE_STORE)
      } catch (err) {
        this.rows = batch.concat(this.rows)
        const dropped = Math.max(0, this.rows.length - this.maxBuffered)
        if (dropped > 0) this.rows.splice(0, dropped)
        this.opts.onError?.(err, dropped)
        return false
      }
    }
    return true
  }

  /** Writes what is left; rows still failing are reported through onError as dropped. */
  async close(): Promise<void> {
    await this.flushing
    await this.flush()
    if (this.rows.length > 0) {
      const dropped = this.rows.length
      this.rows = []
      this.opts.onError?.(new Error('audit rows could not be written before close'), dropped)
    }
  }
}

/** A read's audit row into read_audit_log: through the context's buffer when it has one, else at once. */
export async function appendReadAudit(ctx: { db: Db; readAudit?: AuditBuffer }, entry: AuditEntry): Promise<void> {
  if (ctx.readAudit) ctx.readAudit.append(entry)
  else await appendReadAuditRows(ctx.db, [entry], ON_THE_STORE)
}
