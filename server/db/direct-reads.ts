/**
 * Reads run straight on the better-sqlite3 connection behind a store's Kysely instance, for the hot
 * reads compiled once (server/repositories/compiled.ts). Kysely's way to a statement goes through two
 * promise-based locks and several awaits per query (about 8 µs of the two reads of a status read);
 * better-sqlite3 answers synchronously, so outside a transaction the connection is always free.
 *
 * Inside a transaction it is not: a statement on the connection would read the transaction's
 * uncommitted rows. Then (and while a streaming query holds the connection) there is no direct answer
 * and the caller goes through Kysely, which waits for the transaction to end, as before. PostgreSQL,
 * a Transaction object and an instance with plugins are never registered: they always use Kysely.
 *
 * The direct reads of one turn of the event loop share one read snapshot (ReadSnapshot below).
 */
import type { Kysely } from 'kysely'

export interface DirectReads {
  /** The rows, or undefined when the connection is inside a transaction or the SQL is not a read (use Kysely then). */
  all(sql: string, parameters: readonly unknown[]): unknown[] | undefined
}

/** The part of the better-sqlite3 connection a snapshot uses. */
interface SqliteHandle {
  readonly inTransaction: boolean
  prepare(sql: string): { run(): unknown }
}

/**
 * One read transaction for the direct reads of a turn of the event loop. Each statement outside a
 * transaction is a transaction of its own: SQLite takes and drops the file's shared lock (two fcntl
 * calls), and, when the worker connection has committed since the last read (hundreds of times a
 * second under load), drops its whole page cache and reads every page again. That was about half of
 * SQLite's time in a status read. The reads of the requests a turn answers (a nonce batch resumes a
 * dozen at once, each with its account and records reads) now share one BEGIN … COMMIT.
 *
 * It ends at the end of the turn (setImmediate) and, before that, before any statement Kysely runs
 * on the connection (withStatementCache's hook in connect.ts): every write, every transaction and
 * every read through Kysely runs outside it, as before, and a direct read after a write of this
 * process opens a new snapshot and sees the write. A write committed by another connection (another
 * process, or the worker's nonces and audit rows, which these reads never read) during the turn is
 * seen by the next turn's reads: as if the reads of the turn had all come at its first one.
 */
export class ReadSnapshot {
  private open = false
  private begin: { run(): unknown } | undefined
  private commit: { run(): unknown } | undefined
  private scheduled = false
  private readonly endOfTurn = (): void => {
    this.scheduled = false
    this.end()
  }

  constructor(private readonly file: SqliteHandle) {}

  /** Opens the snapshot if none is open; false when the connection is in another transaction (Kysely's). */
  enter(): boolean {
    if (this.open) return true
    if (this.file.inTransaction) return false
    ;(this.begin ??= this.file.prepare('begin deferred')).run()
    this.open = true
    if (!this.scheduled) {
      this.scheduled = true
      setImmediate(this.endOfTurn)
    }
    return true
  }

  /** Ends the open snapshot (reads only: nothing to write, the locks are released). */
  end(): void {
    if (!this.open) return
    this.open = false
    ;(this.commit ??= this.file.prepare('commit')).run()
  }
}

/** The part of a better-sqlite3 statement a direct read uses. */
interface RawCapableStatement {
  readonly reader: boolean
  all(parameters: readonly unknown[]): unknown[]
  raw(on: boolean): unknown
  columns(): { name: string }[]
}

type RowMaker = (values: readonly unknown[]) => Record<string, unknown>

/**
 * A function that turns one raw row (the values in column order) into the object better-sqlite3 would
 * have made: the same names, the same values, a later column of the same name winning. better-sqlite3
 * builds each row object in C++, setting every column by a name it looks up in V8's string table row
 * after row (about 3 of the 11 µs of the account read with its 20 columns); an object literal written
 * once per statement gets one fixed shape and costs a fraction of that. The names come from the
 * statement's own result columns (the store's schema and the query's aliases, never input) and go in
 * quoted by JSON.stringify.
 */
export function rowMakerFor(names: readonly string[]): RowMaker {
  const fields = names.map((name, i) => `${JSON.stringify(name)}: v[${i}]`)
  return new Function('v', `return { ${fields.join(', ')} }`) as RowMaker
}

const registry = new WeakMap<object, DirectReads>()

/** For openStore: `db` reads through `statements` (the connection's statement cache) in `snapshot` when the connection is free. */
export function registerDirectReads(db: Kysely<unknown> | object, snapshot: ReadSnapshot, statements: { statement(sql: string): unknown }): void {
  // One maker per prepared statement (a statement prepared again after the cache dropped it gets its own).
  const makers = new WeakMap<object, RowMaker>()
  registry.set(db, {
    all(sql, parameters) {
      try {
        const statement = statements.statement(sql) as RawCapableStatement
        if (!statement.reader || !snapshot.enter()) return undefined
        let make = makers.get(statement)
        if (!make) {
          make = rowMakerFor(statement.columns().map((c) => c.name))
          makers.set(statement, make)
        }
        // The statement is shared with Kysely's driver, which expects objects: raw only for this call
        // (better-sqlite3 is synchronous, so nothing else runs it in between).
        statement.raw(true)
        let values: unknown[]
        try {
          values = statement.all(parameters)
        } finally {
          statement.raw(false)
        }
        const rows = new Array<Record<string, unknown>>(values.length)
        for (let i = 0; i < values.length; i++) rows[i] = make(values[i] as unknown[])
        return rows
      } catch (err) {
        // An open iterator (a streamed query) holds the connection: let Kysely queue behind it.
        if (err instanceof TypeError && /busy executing a query/.test(err.message)) return undefined
        throw err
      }
    },
  })
}

/** The direct way for this exact instance, if it has one. */
export function directReadsOf(db: object): DirectReads | undefined {
  return registry.get(db)
}
