/**
 * Bulk writes of persons (the roster import): the repository-level writer that owns each store's
 * fastest path, so callers give column values and never a driver handle.
 *  - better-sqlite3: one prepared statement run per row on the transaction's connection (sqlite.ts);
 *  - node-postgres: COPY on the transaction's client, changed rows staged and applied at once (pg.ts);
 *  - anything else: multi-row INSERTs through Kysely (kysely.ts).
 */
import { sql, SqliteAdapter } from 'kysely'
import type { Db } from '../types'
import { KyselyPersonBulkWriter } from './kysely'
import { PgPersonBulkWriter } from './pg'
import { isPostgres, rawPgClient } from './pg-copy'
import { deferIndexesOfEmptyPersons } from './pg-deferred-indexes'
import { SqlitePersonBulkWriter } from './sqlite'
import { rawSqliteHandle } from './sqlite-handle'
import type { PersonBulkOptions, PersonBulkWriter } from './types'

export type { PersonBulkOptions, PersonBulkWriter } from './types'

/** True when the Kysely instance (or transaction) talks to SQLite. */
export function isSqlite(db: Db): boolean {
  return db.getExecutor().adapter instanceof SqliteAdapter
}

/**
 * How new persons can be handed over already encoded (PersonBulkWriter.insertEncoded), so the caller
 * can have them formatted off its own thread: 'copy-text' on PostgreSQL (copy-text.ts CopyRows).
 */
export function personBulkEncoding(db: Db): 'copy-text' | undefined {
  return isPostgres(db) ? 'copy-text' : undefined
}

/**
 * Whether persons has no rows (read outside any transaction, before a load's own): the hint
 * PersonBulkOptions.intoEmptyTable takes. Only PostgreSQL has a use for it; elsewhere false.
 */
export async function personsLookEmpty(db: Db): Promise<boolean> {
  if (!isPostgres(db)) return false
  return (await db.selectFrom('persons').select('id').limit(1).execute()).length === 0
}

/**
 * After a large load, give PostgreSQL's planner statistics for persons at once (ANALYZE samples a fixed
 * number of rows: a fraction of a second at a million). Until autovacuum gets to the table, about a
 * minute later, the planner would guess the new rows' distribution from defaults. Elsewhere nothing.
 */
export async function refreshPersonsStatistics(db: Db): Promise<void> {
  if (!isPostgres(db)) return
  await sql`analyze persons`.execute(db)
}

/** A bulk writer on the open transaction `trx` (must be the transaction the caller commits). */
export async function openPersonBulkWriter(trx: Db, options: PersonBulkOptions): Promise<PersonBulkWriter> {
  const raw = await rawSqliteHandle(trx)
  if (raw) return new SqlitePersonBulkWriter(raw, trx, options)
  const client = await rawPgClient(trx)
  if (client) return new PgPersonBulkWriter(client, options, options.intoEmptyTable ? await deferIndexesOfEmptyPersons(client) : undefined)
  return new KyselyPersonBulkWriter(trx, options)
}
