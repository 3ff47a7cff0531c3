/** What both stores hold: tables, columns, column types, foreign-key order, applied migrations. */
import type SQLite from 'better-sqlite3'
import type pg from 'pg'

/** Kysely's migrator keeps its bookkeeping here; each store has its own, written by migrating. */
export const BOOKKEEPING_TABLES = new Set(['schema_migrations', 'schema_migrations_lock'])

export interface TargetTable {
  name: string
  columns: string[]
  /** PostgreSQL udt_name of each column (text, int4, float4, bool, bytea…). */
  types: string[]
}

export const quoteIdent = (name: string): string => `"${name.replace(/"/g, '""')}"`

export function sourceTables(source: SQLite.Database): Map<string, string[]> {
  const names = source
    .prepare(`select name from sqlite_master where type = 'table' and name not like 'sqlite\\_%' escape '\\' order by name`)
    .pluck()
    .all() as string[]
  const out = new Map<string, string[]>()
  for (const name of names) {
    if (BOOKKEEPING_TABLES.has(name)) continue
    const cols = source.prepare(`select name from pragma_table_info(?) order by cid`).pluck().all(name) as string[]
    out.set(name, cols)
  }
  return out
}

export function sourceMigrations(source: SQLite.Database): string[] | undefined {
  const has = source.prepare(`select 1 from sqlite_master where type = 'table' and name = 'schema_migrations'`).get()
  if (!has) return undefined
  return source.prepare('select name from schema_migrations order by name').pluck().all() as string[]
}

export async function targetMigrations(client: pg.ClientBase): Promise<string[]> {
  const has = await client.query(`select to_regclass('schema_migrations') is not null as has`)
  if (!has.rows[0].has) return []
  return (await client.query<{ name: string }>('select name from schema_migrations order by name')).rows.map((r) => r.name)
}

/** Every ordinary table of the current schema, bookkeeping included. */
export async function targetTableNames(client: pg.ClientBase): Promise<string[]> {
  const res = await client.query<{ name: string }>(
    `select c.relname as name from pg_class c
      where c.relnamespace = current_schema()::regnamespace and c.relkind in ('r', 'p')
      order by c.relname`,
  )
  return res.rows.map((r) => r.name)
}

export async function targetTables(client: pg.ClientBase): Promise<Map<string, TargetTable>> {
  const res = await client.query<{ table_name: string; column_name: string; udt_name: string }>(
    `select table_name, column_name, udt_name from information_schema.columns
      where table_schema = current_schema() order by table_name, ordinal_position`,
  )
  const out = new Map<string, TargetTable>()
  for (const r of res.rows) {
    if (BOOKKEEPING_TABLES.has(r.table_name)) continue
    let t = out.get(r.table_name)
    if (!t) out.set(r.table_name, (t = { name: r.table_name, columns: [], types: [] }))
    t.columns.push(r.column_name)
    t.types.push(r.udt_name)
  }
  return out
}

/** Tables that hold at least one row (bookkeeping left out): a non-empty target. */
export async function nonEmptyTables(client: pg.ClientBase, names: readonly string[]): Promise<string[]> {
  const out: string[] = []
  for (const name of names) {
    if (BOOKKEEPING_TABLES.has(name)) continue
    const res = await client.query(`select exists (select 1 from ${quoteIdent(name)}) as has`)
    if (res.rows[0].has) out.push(name)
  }
  return out
}

/**
 * Tables ordered so that every table comes after the tables its foreign keys point to (PostgreSQL
 * checks each row on arrival); ties by name, so the order is the same every run.
 */
export async function foreignKeyOrder(client: pg.ClientBase, names: readonly string[]): Promise<string[]> {
  const res = await client.query<{ child: string; parent: string }>(
    `select c.conrelid::regclass::text as child, c.confrelid::regclass::text as parent from pg_constraint c
      where c.contype = 'f' and c.connamespace = current_schema()::regnamespace`,
  )
  const unquote = (n: string) => n.replace(/^"(.*)"$/, '$1').replace(/""/g, '"')
  const parents = new Map<string, Set<string>>(names.map((n) => [n, new Set<string>()]))
  for (const { child, parent } of res.rows) {
    const c = unquote(child)
    const p = unquote(parent)
    if (c !== p && parents.has(c) && parents.has(p)) parents.get(c)!.add(p)
  }
  const order: string[] = []
  const placed = new Set<string>()
  while (order.length < names.length) {
    const ready = [...parents.keys()].filter((n) => !placed.has(n) && [...parents.get(n)!].every((p) => placed.has(p))).sort()
    if (ready.length === 0) throw new Error(`foreign keys form a cycle between: ${[...parents.keys()].filter((n) => !placed.has(n)).join(', ')}`)
    for (const n of ready) {
      placed.add(n)
      order.push(n)
    }
  }
  return order
}

export interface SecondaryIndex {
  name: string
  /** CREATE [UNIQUE] INDEX … as pg_get_indexdef prints it. */
  definition: string
}

/**
 * Indexes of a table that no constraint owns (constraint indexes stay: foreign keys depend on them).
 * Building one of these once over a full table sorts its keys a single time, where keeping it
 * up to date row by row inserts a million keys into random pages of it.
 */
export async function secondaryIndexes(client: pg.ClientBase, table: string): Promise<SecondaryIndex[]> {
  const res = await client.query<SecondaryIndex>(
    `select ci.relname as name, pg_get_indexdef(i.indexrelid) as definition
       from pg_index i join pg_class ci on ci.oid = i.indexrelid join pg_class ct on ct.oid = i.indrelid
      where ct.relnamespace = current_schema()::regnamespace and ct.relname = $1
        and not exists (select 1 from pg_constraint c where c.conindid = i.indexrelid)
      order by ci.relname`,
    [table],
  )
  return res.rows
}

export interface DeferrableConstraint {
  name: string
  /** PRIMARY KEY (…) / UNIQUE (…) as pg_get_constraintdef prints it. */
  definition: string
}

/** Primary keys and unique constraints of a table that no foreign key points at (those must stay). */
export async function deferrableConstraints(client: pg.ClientBase, table: string): Promise<DeferrableConstraint[]> {
  const res = await client.query<DeferrableConstraint>(
    `select c.conname as name, pg_get_constraintdef(c.oid) as definition
       from pg_constraint c join pg_class t on t.oid = c.conrelid
      where t.relnamespace = current_schema()::regnamespace and t.relname = $1 and c.contype in ('p', 'u')
        and not exists (select 1 from pg_constraint f where f.contype = 'f' and f.conindid = c.conindid)
      order by c.conname`,
    [table],
  )
  return res.rows
}
