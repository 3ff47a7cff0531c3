/**
 * Hot reads compiled once per dialect and then run with new values. Kysely otherwise builds, freezes
 * and compiles the whole operation tree on every call, about a fifth of a status read's CPU; the SQL
 * text is the same each time, only the values change.
 */
import { createQueryId, PostgresAdapter, type Compilable, type CompiledQuery, type QueryResult } from 'kysely'
import { directReadsOf } from '../db/direct-reads'
import { markHot, preparedReadsOf } from '../db/pg-prepared-reads'
import type { Db } from './types'

/** Marks where an argument goes; never a value a caller could pass (it starts with a NUL). */
const HOLE = '\u0000arg:'

interface Compiled {
  query: CompiledQuery
  /** For each parameter of the compiled query: the argument it takes, or undefined for a constant. */
  slots: (number | undefined)[]
}

export interface CompiledOnceOptions {
  /**
   * false: on PostgreSQL sent unnamed, planned on every run, never as a prepared statement. For a read
   * of a table that fills quickly from empty (certification_sessions on a new store): a prepared
   * statement's generic plan, made while the table was empty and analysed so, scans it whole until the
   * next ANALYZE (bench:api: the open-session count at 250 µs a run instead of 50).
   */
  prepared?: boolean
}

/**
 * Wraps a query builder of `arity` string or number arguments. The builder runs once per dialect
 * with placeholders; each later call only puts its arguments in their places. The builder must use
 * every argument as a plain value (a where, a limit), never to choose the query's shape.
 */
export function compiledOnce<A extends readonly (string | number)[], R>(
  arity: A['length'],
  build: (db: Db, ...args: A) => Compilable<R>,
  options: CompiledOnceOptions = {},
): (db: Db, ...args: A) => Promise<R[]> {
  const byDialect = new Map<unknown, Compiled>()
  const compile = (db: Db): Compiled => {
    const holes = Array.from({ length: arity }, (_, i) => `${HOLE}${i}`) as unknown as A
    const query = build(db, ...holes).compile()
    const slots = query.parameters.map((p) => (typeof p === 'string' && p.startsWith(HOLE) ? Number(p.slice(HOLE.length)) : undefined))
    for (let i = 0; i < arity; i++) if (!slots.includes(i)) throw new Error(`compiledOnce: argument ${i} is not a parameter of ${query.sql}`)
    return { query, slots }
  }
  return async (db, ...args) => {
    const dialect = db.getExecutor().adapter.constructor
    let c = byDialect.get(dialect)
    if (!c) {
      c = compile(db)
      byDialect.set(dialect, c)
      // Named inside transactions too (pg-prepared-reads.ts), unless planned on every run by choice.
      if (options.prepared !== false && db.getExecutor().adapter instanceof PostgresAdapter) markHot(c.query.sql)
    }
    const { query, slots } = c
    const parameters = query.parameters.map((p, i) => (slots[i] === undefined ? p : args[slots[i]!]))
    // SQLite outside a transaction: straight on the connection (server/db/direct-reads.ts).
    const rows = directReadsOf(db)?.all(query.sql, parameters)
    if (rows) return rows as R[]
    // PostgreSQL: a named statement, planned once per connection (server/db/pg-prepared-reads.ts).
    const prepared = options.prepared === false ? undefined : preparedReadsOf(db)
    if (prepared) return (await prepared(query.sql, parameters)).rows as R[]
    const result = await db.executeQuery<R>({ query: query.query, sql: query.sql, parameters, queryId: createQueryId() })
    return result.rows
  }
}

/**
 * Runs a write whose SQL text is one of a few fixed ones (the same columns on every call, only the
 * values change). On PostgreSQL that text runs as a named prepared statement, parsed and planned once
 * per pooled connection, inside a transaction or outside (pg-prepared-reads.ts); elsewhere it runs as
 * Kysely would run it. A completion's session update was planned afresh every time: about 55 µs of
 * PostgreSQL's CPU a completion, a third as much as running it. Never for a text built from a varying
 * number of rows or columns: every text a connection sees stays prepared on it.
 */
export async function executeFixed<R>(db: Db, query: Compilable<R>): Promise<QueryResult<R>> {
  const compiled = query.compile()
  if (db.getExecutor().adapter instanceof PostgresAdapter) markHot(compiled.sql)
  return db.executeQuery(compiled)
}
