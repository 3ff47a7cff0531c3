/**
 * The hot reads compiled once (server/repositories/compiled.ts) as named prepared statements on
 * PostgreSQL. Kysely sends every query unnamed, so PostgreSQL parses and plans it again on each run;
 * for the status read's one statement (an account, its binding and person, two correlated record
 * subqueries) that planning was most of what PostgreSQL spent on a read. A named statement is parsed
 * once per pooled connection and, after a few runs, executed with its cached generic plan.
 *
 * Two ways in:
 * - outside a transaction, the store's own instance runs them straight on the pool (registered for
 *   that instance only, never for a Transaction object): the pool hands out any idle connection, which
 *   is what Kysely would do;
 * - inside a transaction they go through Kysely on the transaction's connection, and the pool Kysely
 *   was given names them there (namingHotStatements): a completion's transaction reads the person,
 *   the binding and the day's failures, and PostgreSQL planned each of those afresh every time.
 * Only texts marked hot (markHot, by compiledOnce) are named; every other statement stays unnamed, so
 * the statements a connection keeps are the few fixed texts of the hot reads.
 */
import { createHash } from 'node:crypto'
import type pg from 'pg'

/** The statement's rows (RETURNING for a write) and how many rows it read or changed. */
export interface PreparedResult {
  rows: unknown[]
  rowCount: number
}

export type PreparedRead = (sql: string, parameters: readonly unknown[]) => Promise<PreparedResult>

const registry = new WeakMap<object, PreparedRead>()

/** SQL texts compiled once for PostgreSQL that may run as named statements. */
const hot = new Set<string>()

/** compiledOnce: `sql` is a fixed text run again and again, worth a named statement. */
export function markHot(sql: string): void {
  hot.add(sql)
}

/** The statement's name: the same SQL text (and generation) always gets the same name, another text another one. */
export function preparedName(sql: string, generation = 0): string {
  return `hot_${createHash('sha256').update(sql).digest('hex').slice(0, 24)}_${generation}`
}

/**
 * PostgreSQL refuses to run a prepared statement whose `select *` would now return other columns (a
 * migration by another instance during a rolling deploy added one): "cached plan must not change
 * result type". The statement stays broken on every connection that prepared it, so the read is sent
 * again under a new name, which each connection prepares afresh against the new table.
 */
function isStalePlan(err: unknown): boolean {
  return (err as { code?: string }).code === '0A000' && /cached plan must not change result type/.test(String((err as Error).message))
}

/** One store's statement names: a new generation of names once a plan went stale. */
export class StatementNames {
  private generation = 0
  private readonly names = new Map<string, string>()

  nameOf(sql: string): string {
    let name = this.names.get(sql)
    if (!name) this.names.set(sql, (name = preparedName(sql, this.generation)))
    return name
  }

  /** After a stale plan: every text gets a new name, prepared afresh on each connection. */
  renew(): void {
    this.generation++
    this.names.clear()
  }
}

/**
 * For openStore: the hot reads of `db` run on `pool` as named statements; so may a hot write that
 * runs outside any transaction (a statement on the pool commits by itself).
 */
export function registerPreparedReads(db: object, pool: Pick<pg.Pool, 'query'>, names: StatementNames): void {
  const result = (r: pg.QueryResult): PreparedResult => ({ rows: r.rows, rowCount: r.rowCount ?? 0 })
  registry.set(db, async (sql, parameters) => {
    const values = parameters as unknown[]
    try {
      return result(await pool.query({ name: names.nameOf(sql), text: sql, values }))
    } catch (err) {
      if (!isStalePlan(err)) throw err
      names.renew()
      return result(await pool.query({ name: names.nameOf(sql), text: sql, values }))
    }
  })
}

/** The prepared way for this exact instance, if it has one. */
export function preparedReadsOf(db: object): PreparedRead | undefined {
  return registry.get(db)
}

/** What Kysely's PostgresDialect needs of a pool. */
export interface KyselyPool {
  connect(): Promise<pg.PoolClient>
  end(): Promise<void>
}

const named = new WeakSet<object>()

/**
 * The pool for Kysely: each client it hands out sends the hot texts (markHot) as named statements,
 * everything else as Kysely sends it. Inside a transaction a stale plan cannot be retried (the error
 * has ended the transaction): the names are renewed for the next try, and the caller's retry succeeds.
 */
export function namingHotStatements(pool: pg.Pool, names: StatementNames): KyselyPool {
  const nameHot = (client: pg.PoolClient): pg.PoolClient => {
    if (named.has(client)) return client
    named.add(client)
    // The class's query, looked up on each call: a hook put on pg.Client.prototype later (the bulk
    // writer finds a transaction's client that way) still sees every statement.
    const proto = Object.getPrototypeOf(client) as { query: (...args: unknown[]) => unknown }
    const plain = (...args: unknown[]) => proto.query.apply(client, args)
    client.query = ((...args: unknown[]) => {
      const [text, values] = args
      // Kysely's form only: (text, values) answered by a promise; anything else goes through untouched.
      if (args.length !== 2 || typeof text !== 'string' || !Array.isArray(values) || !hot.has(text)) return plain(...args)
      const run = plain({ name: names.nameOf(text), text, values }) as Promise<pg.QueryResult>
      return run.catch((err: unknown) => {
        if (isStalePlan(err)) names.renew()
        throw err
      })
    }) as typeof client.query
    return client
  }
  return {
    connect: async () => nameHot(await pool.connect()),
    end: () => pool.end(),
  }
}
