/**
 * The hot reads compiled once (server/repositories/compiled.ts) as named prepared statements on
 * PostgreSQL. Kysely sends every query unnamed, so PostgreSQL parses and plans it again on each run;
 * for the status read's one statement (an account, its binding and person, two correlated record
 * subqueries) that planning was most of what PostgreSQL spent on a read. A named statement is parsed
 * once per pooled connection and, after a few runs, executed with its cached generic plan.
 *
 * Only the store's own instance is registered, never a Transaction object: a transaction's reads go
 * through Kysely on the transaction's connection, as before. The pool hands out any idle connection,
 * which is what Kysely would do for a read outside a transaction.
 */
import { createHash } from 'node:crypto'
import type pg from 'pg'

export type PreparedRead = (sql: string, parameters: readonly unknown[]) => Promise<unknown[]>

const registry = new WeakMap<object, PreparedRead>()

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

/** For openStore: the hot reads of `db` run on `pool` as named statements. */
export function registerPreparedReads(db: object, pool: Pick<pg.Pool, 'query'>): void {
  let generation = 0
  const names = new Map<string, string>()
  const nameOf = (sql: string): string => {
    let name = names.get(sql)
    if (!name) names.set(sql, (name = preparedName(sql, generation)))
    return name
  }
  registry.set(db, async (sql, parameters) => {
    const values = parameters as unknown[]
    try {
      return (await pool.query({ name: nameOf(sql), text: sql, values })).rows
    } catch (err) {
      if (!isStalePlan(err)) throw err
      generation++
      names.clear()
      return (await pool.query({ name: nameOf(sql), text: sql, values })).rows
    }
  })
}

/** The prepared way for this exact instance, if it has one. */
export function preparedReadsOf(db: object): PreparedRead | undefined {
  return registry.get(db)
}
