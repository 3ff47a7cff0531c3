/** Account ↔ person bindings. Only relation 'self' (本人) exists so far. */
import { sql, type Selectable } from 'kysely'
import type { BindingsTable } from '../db/schema'
import { newId } from '../db/ids'
import { compiledOnce } from './compiled'
import type { Db } from './types'

export type BindingRow = Selectable<BindingsTable>

// 'self' is a literal in the SQL, not a bound value: the indexes on bindings are partial (relation =
// 'self' and unbound_at is null) and SQLite uses one only when the query's text implies its condition.
// Compiled once (compiled.ts): every status read after a binding change, start and completion runs one.
const selectActiveSelfBindingOfAccount = compiledOnce(1, (db, accountId: string) =>
  db.selectFrom('bindings').selectAll().where('account_id', '=', accountId).where('relation', '=', sql.lit('self')).where('unbound_at', 'is', null),
)
const selectActiveSelfBindingOfPerson = compiledOnce(1, (db, personId: string) =>
  db.selectFrom('bindings').selectAll().where('person_id', '=', personId).where('relation', '=', sql.lit('self')).where('unbound_at', 'is', null),
)

export async function activeSelfBindingOfAccount(db: Db, accountId: string): Promise<BindingRow | undefined> {
  return (await selectActiveSelfBindingOfAccount(db, accountId))[0]
}

export async function activeSelfBindingOfPerson(db: Db, personId: string): Promise<BindingRow | undefined> {
  return (await selectActiveSelfBindingOfPerson(db, personId))[0]
}

export async function insertSelfBinding(db: Db, accountId: string, personId: string, method: BindingRow['method'], now: string): Promise<BindingRow> {
  const row: BindingRow = { id: newId(), account_id: accountId, person_id: personId, relation: 'self', method, bound_at: now, unbound_at: null, created_at: now }
  await db.insertInto('bindings').values(row).execute()
  return row
}

export async function markUnbound(db: Db, bindingId: string, now: string): Promise<void> {
  await db.updateTable('bindings').set({ unbound_at: now }).where('id', '=', bindingId).where('unbound_at', 'is', null).execute()
}
