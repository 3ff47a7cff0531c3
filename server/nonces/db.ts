/**
 * Nonces in the used_nonces table: shared by all instances on one store (the default).
 *
 * Group commit: nonces that arrive while one insert is on its way wait and then go in together as one
 * multi-row INSERT … ON CONFLICT DO NOTHING (one statement, one commit), instead of a commit per
 * request. Every request still waits for its own row to be in the shared table before it is answered,
 * and the primary key still decides, so a nonce replayed to another instance is refused exactly as
 * before. On PostgreSQL the table is UNLOGGED (migration 011): its commits need no WAL flush.
 *
 * Expired rows are purged by a timer in batches of PURGE_BATCH (never inside a request), each batch a
 * short statement, with the event loop free between batches.
 */
import type { BackgroundWrites } from '../db/connect'
import type { Db } from '../repositories/types'
import { purgeExpiredNonces, tryUseNonces } from '../repositories/nonces'
import { systemClock, type Clock } from '../time/clock'
import type { NonceStore } from './store'

export interface DbNonceStoreOptions {
  clock?: Clock
  /** Most nonces in one INSERT (default 500). */
  maxBatch?: number
  /** Purge interval; 0 turns the timer off (default 60 s). */
  purgeEveryMs?: number
  /** Rows per purge statement (default 1000); at most PURGE_MAX_BATCHES statements per round. */
  purgeBatch?: number
  /** Told about a failed purge round (the next round tries again). */
  onPurgeError?: (err: unknown) => void
  /** Where the batched inserts and the purges run (a SQLite server's worker connection: no sync on the event loop). */
  writes?: BackgroundWrites
}

const PURGE_MAX_BATCHES = 100

interface Waiting {
  nonce: string
  expiresAt: string
  resolve: (fresh: boolean) => void
  reject: (err: unknown) => void
}

export class DbNonceStore implements NonceStore {
  private pending: Waiting[] = []
  private flushing: Promise<void> | undefined
  private purging: Promise<void> | undefined
  private readonly timer: NodeJS.Timeout | undefined
  private readonly maxBatch: number
  private readonly purgeBatch: number
  private readonly clock: Clock

  constructor(
    private readonly db: Db,
    private readonly opts: DbNonceStoreOptions = {},
  ) {
    this.clock = opts.clock ?? systemClock
    this.maxBatch = opts.maxBatch ?? 500
    this.purgeBatch = opts.purgeBatch ?? 1000
    const every = opts.purgeEveryMs ?? 60_000
    if (every > 0) {
      this.timer = setInterval(() => void this.purgeNow(), every)
      this.timer.unref()
    }
  }

  use(nonce: string, expiresAt: Date, _now: Date): Promise<boolean> {
    return new Promise<boolean>((resolve, reject) => {
      this.pending.push({ nonce, expiresAt: expiresAt.toISOString(), resolve, reject })
      this.scheduleFlush()
    })
  }

  /**
   * Start after the current turn of the event loop: every request whose body arrived in the same turn
   * joins this insert. Starting at once would insert each alone on SQLite, whose driver answers before
   * the next request is read (one commit per request again). A nonce that arrives after the flush's
   * last look at the queue but before it is marked finished (a caller resumed by the answer it just
   * got) starts the next flush.
   */
  private scheduleFlush(): void {
    this.flushing ??= new Promise<void>((r) => setImmediate(r))
      .then(() => this.flush())
      .finally(() => {
        this.flushing = undefined
        if (this.pending.length > 0) this.scheduleFlush()
      })
  }

  private async flush(): Promise<void> {
    while (this.pending.length > 0) {
      const batch = this.pending.splice(0, this.maxBatch)
      // The same nonce twice in one batch: the first is new, the second a replay.
      const first = new Map<string, Waiting>()
      const repeats: Waiting[] = []
      for (const w of batch) {
        if (first.has(w.nonce)) repeats.push(w)
        else first.set(w.nonce, w)
      }
      try {
        const fresh = await tryUseNonces(this.db, [...first.values()], this.opts.writes)
        for (const w of first.values()) w.resolve(fresh.has(w.nonce))
        for (const w of repeats) w.resolve(false)
      } catch (err) {
        for (const w of batch) w.reject(err)
      }
    }
  }

  /** One purge round: expired rows in small batches until none are left (or the round's cap). */
  purgeNow(): Promise<void> {
    this.purging ??= this.purgeRound().finally(() => {
      this.purging = undefined
    })
    return this.purging
  }

  private async purgeRound(): Promise<void> {
    try {
      const now = this.clock().toISOString()
      for (let i = 0; i < PURGE_MAX_BATCHES; i++) {
        if ((await purgeExpiredNonces(this.db, now, this.purgeBatch, this.opts.writes)) < this.purgeBatch) break
        await new Promise((r) => setImmediate(r))
      }
    } catch (err) {
      this.opts.onPurgeError?.(err)
    }
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer)
    await this.purging
    while (this.flushing) await this.flushing
  }
}
