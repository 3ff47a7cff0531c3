/**
 * Multi-row INSERTs of batched rows (request nonces, read-audit rows) written as SQL text directly.
 * Kysely built, froze and compiled an operation tree with a node per value for every batch: about
 * 9 µs of main-thread CPU per status read (its nonce and its audit row), for a statement whose text
 * depends only on the number of rows. The text is now made once per dialect and row count; the values
 * go in as parameters, row by row in column order, as Kysely bound them.
 */
import { CompiledQuery, PostgresAdapter } from 'kysely'
import type { WriteQuery } from '../db/connect'
import type { Database } from '../db/schema'
import { boundedMemo } from '../support/bounded-memo'
import type { Db } from './types'

type Value = string | number | null

/** SQL texts kept per insert and dialect (row counts vary with the load; a batch has at most a few hundred rows). */
const TEXTS_KEPT = 128

const quoted = (name: string) => `"${name.replace(/"/g, '""')}"`

/**
 * An INSERT into `table` for any number of rows: `columns` maps each column to how a row gives its
 * value; `tail` follows the VALUES list (ON CONFLICT, RETURNING). Table and column names are the
 * caller's constants, never input.
 */
export function multiRowInsert<T extends keyof Database & string, Row, R = never>(table: T, columns: { [C in keyof Database[T] & string]?: (row: Row) => Value }, tail = ''): (db: Db, rows: readonly Row[]) => WriteQuery<R> {
  const names = Object.keys(columns)
  const values = Object.values(columns) as ((row: Row) => Value)[]
  const head = `insert into ${quoted(table)} (${names.map(quoted).join(', ')}) values `
  const end = tail ? ` ${tail}` : ''
  const textFor = (postgres: boolean) =>
    boundedMemo((rows: number): string => {
      const groups: string[] = []
      for (let r = 0, n = 1; r < rows; r++) {
        const marks: string[] = []
        for (let c = 0; c < names.length; c++, n++) marks.push(postgres ? `$${n}` : '?')
        groups.push(`(${marks.join(', ')})`)
      }
      return head + groups.join(', ') + end
    }, TEXTS_KEPT)
  const texts = { postgres: textFor(true), sqlite: textFor(false) }
  return (db, rows) => {
    if (rows.length === 0) throw new Error(`multiRowInsert(${table}): no rows`)
    const sql = (db.getExecutor().adapter instanceof PostgresAdapter ? texts.postgres : texts.sqlite)(rows.length)
    const parameters: Value[] = []
    for (const row of rows) for (const value of values) parameters.push(value(row))
    return {
      compile: () => ({ sql, parameters }),
      execute: async () => (await db.executeQuery<R>(CompiledQuery.raw(sql, parameters))).rows,
    }
  }
}
