/** Opens the store: PostgreSQL when a URL is given, otherwise a SQLite file (created if missing). */
import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import SQLite from 'better-sqlite3'
import { Kysely, PostgresDialect, SqliteDialect, type SqliteDatabase } from 'kysely'
import pg from 'pg'
import { DurableCommits, walFileSync, type WalSync } from './durable-commits'
import { ReadSnapshot, registerDirectReads } from './direct-reads'
import { isSqliteBusy } from './errors'
import { namingHotStatements, registerPreparedReads, StatementNames } from './pg-prepared-reads'
import type { Database, Dialect } from './schema'
import { BACKSTOP_AUTOCHECKPOINT_PAGES, SqliteWorkerConnection } from './sqlite-worker-connection'

export interface Store {
  db: Kysely<Database>
  dialect: Dialect
  /** Where it lives, without credentials: a file path or host/database. */
  describe: string
  /** Where batched rows nobody reads back at once are written (request nonces, read-audit rows); absent: the store itself. */
  background?: BackgroundWrites
  /** SQLite on a file: when the commits made so far are on disk (answers wait for it); absent where a commit is durable when it returns. */
  durable?: DurableCommits
}

/** A query as Kysely builds it: compiled for another connection, or run here. */
export interface WriteQuery<R> {
  compile(): { sql: string; parameters: readonly unknown[] }
  execute(): Promise<R[]>
}

export interface BackgroundWrites {
  /** Runs the statement; its RETURNING rows (none are promised without RETURNING). */
  run<R>(query: WriteQuery<R>): Promise<R[]>
}

/** The store itself: PostgreSQL (async already), SQLite in memory, and tools and tests. */
export const ON_THE_STORE: BackgroundWrites = { run: (query) => query.execute() }

/**
 * The worker connection while it runs; the store itself once it has ended, and for a statement the
 * worker could not write because the main connection held the write lock too long (a roster import's
 * one long transaction): on the main connection it waits its turn behind that transaction, as it
 * always did. Nothing was written by the failed attempt.
 */
function onWorker(worker: SqliteWorkerConnection): BackgroundWrites {
  return {
    run: <R>(query: WriteQuery<R>): Promise<R[]> => {
      if (!worker.available) return query.execute()
      return worker.run<R>(query.compile()).catch((err: unknown) => (isSqliteBusy(err) ? query.execute() : Promise.reject(err)))
    },
  }
}

export interface OpenStoreOptions {
  databaseUrl?: string
  /** PostgreSQL: the hot reads as named prepared statements (pg-prepared-reads.ts). Default true. */
  preparedStatements?: boolean
  sqlitePath: string
  poolSize?: number
  /**
   * SQLite file: a second connection in a worker thread (server/db/sqlite-worker-connection.ts) runs
   * the WAL checkpoints, instead of whichever request's commit fills the WAL, and the background
   * writes. For long-running servers; tools and tests that open many short-lived stores leave it off.
   */
  workerConnection?: boolean
  /** SQLite file: how the WAL is synced before answers leave (default: fdatasync, durable-commits.ts); tests hold it. */
  walSync?: (walPath: string) => WalSync
}

function describePg(url: string): string {
  try {
    const u = new URL(url)
    return `postgres://${u.hostname}:${u.port || 5432}${u.pathname}`
  } catch {
    return 'postgres'
  }
}

/**
 * The connection settings every SQLite store uses. A new file gets 4 KiB pages, SQLite's default (an
 * existing one keeps its size: page_size does nothing once a WAL database has pages). Every commit
 * writes each page it changed into the WAL whole, and every answer waits for that WAL to be synced
 * (durable-commits.ts): a completion changes a dozen pages, a quarter of the bytes with 4 KiB pages.
 * Measured with 16 KiB against 4 KiB (npm run bench:api, bench:reminders, 2026-12-07): completions
 * 570/563 → 608/627 a second, CPU per completion −6–9 %, status p99 17–18 → 11–13 ms; the import of a
 * million roster rows 60,455 → 56,036 rows a second (the reason 16 KiB was chosen before the syncs).
 */
export function applySqlitePragmas(file: SQLite.Database): void {
  file.pragma('page_size = 4096')
  file.pragma('journal_mode = WAL')
  file.pragma('foreign_keys = ON')
  file.pragma('busy_timeout = 5000')
  // synchronous stays as built: NORMAL in WAL mode (better-sqlite3's SQLITE_DEFAULT_WAL_SYNCHRONOUS=1;
  // answers wait for a WAL sync instead, durable-commits.ts), FULL in a rollback journal (a large
  // import into a store nobody else has open switches to one, roster/sqlite-bulk.ts).
}

/**
 * Removes SQLite's per-value index statistics (`sqlite_stat4`, written by an ANALYZE or a PRAGMA
 * optimize someone ran on the file) and reloads the rest; true when there were some. With them SQLite
 * re-plans a statement on every run for its bound values, and the hot reads are written so their plan
 * never depends on the values (hot-read-plans.test.ts): the status read took 117–146 µs a run instead
 * of 14–18 µs on a store of 11,000 bound accounts, with the same plan. The row counts (`sqlite_stat1`)
 * stay. docs/configuration-backend.md § SQLite store.
 */
export function dropValueStatistics(file: SQLite.Database): boolean {
  if (!file.prepare(`select 1 from sqlite_schema where type = 'table' and name = 'sqlite_stat4'`).get()) return false
  if (!file.prepare('select 1 from sqlite_stat4 limit 1').get()) return false
  file.exec('delete from sqlite_stat4; analyze sqlite_schema')
  return true
}

/**
 * Kysely opens every transaction with a plain (deferred) BEGIN: it starts as a reader and asks for the
 * write lock at its first write. With a second writer on the file (the worker connection), a reader
 * whose snapshot is older than the other's last commit cannot become a writer and fails at once with
 * SQLITE_BUSY, without waiting. BEGIN IMMEDIATE takes the write lock first, waiting (busy_timeout) for
 * the other's short commit. On one connection alone it changes nothing: Kysely never runs two
 * transactions on it at once.
 */
const BEGIN_IMMEDIATE = 'begin immediate'

/** Statements kept prepared per SQLite connection (least recently used ones are finalised first). */
export const SQLITE_STATEMENT_CACHE_SIZE = 500

const nativePrepare = (SQLite as unknown as { prototype: { prepare: unknown } }).prototype.prepare

/** The statement cache: Kysely's view of the connection, and the same statements for the store's direct reads. */
export interface CachedSqliteDatabase extends SqliteDatabase {
  /** The cached statement for `sql` (direct reads: nothing runs before it, unlike prepare). */
  statement(sql: string): SQLite.Statement
}

/**
 * The connection as Kysely's SqliteDialect sees it, with prepared statements reused: Kysely prepares
 * every query afresh, and parsing and planning the same few SQL texts again was about a sixth of a
 * status read's CPU. A better-sqlite3 statement can be run again with new parameters, and SQLite
 * re-prepares it by itself after a schema change. While prepare() is instrumented (server/roster/
 * sqlite-raw.ts finds the handle behind Kysely that way) every call goes through, uncached.
 * `beforeKysely` runs before every statement Kysely prepares (the direct reads end their read
 * snapshot there, see direct-reads.ts), and `onClose` before the connection closes.
 */
export interface StatementCacheHooks {
  onClose?: () => void
  /** Before Kysely prepares anything. */
  beforeKysely?: () => void
  /** After Kysely's statement for `text` is prepared; it runs right after, synchronously. */
  prepared?: (text: string, statement: SQLite.Statement) => void
}

export function withStatementCache(file: SQLite.Database, size = SQLITE_STATEMENT_CACHE_SIZE, hooks: StatementCacheHooks = {}): CachedSqliteDatabase {
  const { onClose, beforeKysely, prepared } = hooks
  const cache = new Map<string, SQLite.Statement>()
  const statement = (sql: string): SQLite.Statement => {
    if ((SQLite as unknown as { prototype: { prepare: unknown } }).prototype.prepare !== nativePrepare) return file.prepare(sql)
    let stmt = cache.get(sql)
    if (stmt) {
      cache.delete(sql)
    } else {
      stmt = file.prepare(sql)
      if (cache.size >= size) cache.delete(cache.keys().next().value as string)
    }
    cache.set(sql, stmt)
    return stmt
  }
  return {
    close: () => {
      onClose?.()
      file.close()
    },
    prepare(text: string) {
      beforeKysely?.()
      const stmt = statement(text === 'begin' ? BEGIN_IMMEDIATE : text)
      prepared?.(text, stmt)
      return stmt
    },
    statement,
  }
}

export function openStore(options: OpenStoreOptions): Store {
  if (options.databaseUrl) {
    const pool = new pg.Pool({ connectionString: options.databaseUrl, max: options.poolSize ?? 10 })
    // An idle connection the server closes (a restart, a failover, an administrator) is reported here;
    // without a listener node-postgres throws it and the process dies. The pool drops that client and
    // opens a new one for the next query, so a line on stderr is all it takes (no personal data in it).
    pool.on('error', (err: Error & { code?: string }) => {
      process.stderr.write(`postgres: idle connection lost (${err.code ?? 'no code'}): ${err.message}\n`)
    })
    // The hot reads compiled once run as named prepared statements (pg-prepared-reads.ts), outside a
    // transaction straight on the pool, inside one through Kysely's connection.
    const prepared = options.preparedStatements !== false
    const names = new StatementNames()
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: prepared ? namingHotStatements(pool, names) : pool }) })
    if (prepared) registerPreparedReads(db, pool, names)
    return { db, dialect: 'postgres', describe: describePg(options.databaseUrl), background: ON_THE_STORE }
  }
  if (options.sqlitePath !== ':memory:') mkdirSync(dirname(options.sqlitePath), { recursive: true })
  const file = new SQLite(options.sqlitePath)
  applySqlitePragmas(file)
  if (dropValueStatistics(file)) process.stderr.write('sqlite: removed the per-value statistics (sqlite_stat4) an ANALYZE left in the store: they made SQLite re-plan every hot read (docs/configuration-backend.md)\n')
  let worker: SqliteWorkerConnection | undefined
  if (options.workerConnection && options.sqlitePath !== ':memory:') {
    file.pragma(`wal_autocheckpoint = ${BACKSTOP_AUTOCHECKPOINT_PAGES}`)
    worker = new SqliteWorkerConnection(options.sqlitePath)
  }
  // The hot reads compiled once run straight on the connection when no transaction holds it, in one
  // read snapshot per turn of the event loop, which ends before Kysely runs anything (direct-reads.ts).
  const snapshot = new ReadSnapshot(file)
  // Closing asks the worker to end too, after what it was sent; whichever connection closes last
  // checkpoints what is left.
  // Answers wait until the commits before them are on disk (durable-commits.ts); in memory there is no disk.
  const durable = options.sqlitePath !== ':memory:' && file.pragma('journal_mode', { simple: true }) === 'wal' ? new DurableCommits((options.walSync ?? walFileSync)(`${options.sqlitePath}-wal`)) : undefined
  const database = withStatementCache(file, SQLITE_STATEMENT_CACHE_SIZE, {
    onClose: () => {
      snapshot.end()
      void worker?.stop()
      void durable?.close()
    },
    beforeKysely: () => snapshot.end(),
    prepared: durable && ((text, stmt) => {
      // A commit, or a write outside a transaction (it commits by itself). `readonly`, not `reader`: an
      // INSERT … RETURNING returns rows. BEGIN IMMEDIATE is not read-only (it takes the write lock).
      if (text === 'commit' || (text !== 'begin' && !stmt.readonly && !file.inTransaction)) durable.noteCommit()
    }),
  })
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database }) })
  registerDirectReads(db, snapshot, database)
  return {
    db,
    dialect: 'sqlite',
    describe: options.sqlitePath,
    background: worker ? onWorker(worker) : ON_THE_STORE,
    ...(durable && { durable }),
  }
}
