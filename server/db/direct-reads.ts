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
 */
import type { Kysely, SqliteDatabase } from 'kysely'

export interface DirectReads {
  /** The rows, or undefined when the connection is inside a transaction or the SQL is not a read (use Kysely then). */
  all(sql: string, parameters: readonly unknown[]): unknown[] | undefined
}

interface SqliteHandle {
  readonly inTransaction: boolean
}

const registry = new WeakMap<object, DirectReads>()

/** For openStore: `db` reads through `statements` (the connection's statement cache) when `file` is free. */
export function registerDirectReads(db: Kysely<unknown> | object, file: SqliteHandle, statements: Pick<SqliteDatabase, 'prepare'>): void {
  registry.set(db, {
    all(sql, parameters) {
      if (file.inTransaction) return undefined
      try {
        const statement = statements.prepare(sql)
        return statement.reader ? statement.all(parameters) : undefined
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
