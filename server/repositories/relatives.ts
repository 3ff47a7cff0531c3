/** 家人 links (relatives). Data access only; the rules are in services/relatives.ts. */
import type { Selectable } from 'kysely'
import type { Dialect, RelativesTable } from '../db/schema'
import type { Db } from './types'

export type RelativeRow = Selectable<RelativesTable>

/** The account's active link with this opaque id (another account's id, or a removed link → undefined). */
export async function findActiveRelativeOfAccount(db: Db, accountId: string, relativeId: string): Promise<RelativeRow | undefined> {
  return db
    .selectFrom('relatives')
    .selectAll()
    .where('id', '=', relativeId)
    .where('account_id', '=', accountId)
    .where('removed_at', 'is', null)
    .executeTakeFirst()
}

/** The account's link with this id, active or removed. */
export async function findRelativeOfAccount(db: Db, accountId: string, relativeId: string): Promise<RelativeRow | undefined> {
  return db.selectFrom('relatives').selectAll().where('id', '=', relativeId).where('account_id', '=', accountId).executeTakeFirst()
}

export async function findRelativeById(db: Db, relativeId: string): Promise<RelativeRow | undefined> {
  return db.selectFrom('relatives').selectAll().where('id', '=', relativeId).executeTakeFirst()
}

export async function findActiveRelativeByPerson(db: Db, accountId: string, personId: string): Promise<RelativeRow | undefined> {
  return db
    .selectFrom('relatives')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('person_id', '=', personId)
    .where('removed_at', 'is', null)
    .executeTakeFirst()
}

/** Active links, oldest first. */
export async function listActiveRelatives(db: Db, accountId: string): Promise<RelativeRow[]> {
  return db
    .selectFrom('relatives')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('removed_at', 'is', null)
    .orderBy('created_at', 'asc')
    .orderBy('id', 'asc')
    .execute()
}

export async function countActiveRelatives(db: Db, accountId: string): Promise<number> {
  const row = await db
    .selectFrom('relatives')
    .select((eb) => eb.fn.countAll().as('n'))
    .where('account_id', '=', accountId)
    .where('removed_at', 'is', null)
    .executeTakeFirstOrThrow()
  return Number(row.n)
}

export async function insertRelative(db: Db, row: RelativeRow): Promise<void> {
  await db.insertInto('relatives').values(row).execute()
}

/** Soft-removes an active link; true when this call removed it. */
export async function markRelativeRemoved(db: Db, relativeId: string, now: string): Promise<boolean> {
  const res = await db.updateTable('relatives').set({ removed_at: now }).where('id', '=', relativeId).where('removed_at', 'is', null).executeTakeFirst()
  return Number(res.numUpdatedRows) === 1
}

/** Serialises relative changes of one account in a transaction (PostgreSQL row lock; SQLite writes one at a time). */
export async function lockAccountForRelatives(trx: Db, dialect: Dialect, accountId: string): Promise<void> {
  if (dialect === 'postgres') await trx.selectFrom('accounts').select('id').where('id', '=', accountId).forUpdate().execute()
}
