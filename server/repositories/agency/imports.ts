/**
 * Roster uploads from the console (agency_imports, migration 017), and the one persons read the
 * upload's region check needs. Scope: an upload is visible to a user iff its region prefix lies
 * inside the user's prefix.
 */
import type { Selectable } from 'kysely'
import type { AgencyImportsTable } from '../../db/schema'
import type { Db } from '../types'
import { regionLike } from './exports'

export type ImportRow = Selectable<AgencyImportsTable>

export async function insertImport(db: Db, row: ImportRow): Promise<void> {
  await db.insertInto('agency_imports').values(row).execute()
}

export async function importInScope(db: Db, id: string, actorPrefix: string): Promise<ImportRow | undefined> {
  return db.selectFrom('agency_imports').selectAll().where('id', '=', id).where('region_prefix', 'like', regionLike(actorPrefix)).executeTakeFirst()
}

export async function updateImport(db: Db, id: string, fields: Partial<Omit<ImportRow, 'id'>>): Promise<void> {
  await db.updateTable('agency_imports').set(fields).where('id', '=', id).execute()
}

/** Moves an upload from one status to another only if it is still in the first: true when this caller did. */
export async function claimImport(db: Db, id: string, from: ImportRow['status'], to: ImportRow['status'], at: string): Promise<boolean> {
  const r = await db.updateTable('agency_imports').set({ status: to, updated_at: at }).where('id', '=', id).where('status', '=', from).executeTakeFirst()
  return Number(r.numUpdatedRows) === 1
}

const PERSON_NO_CHUNK = 500

/**
 * Of the given 个人编号, those already on the roster OUTSIDE the region prefix: a file of one
 * region may not rewrite (or move into its region) a person another region keeps.
 */
export async function personNosOutside(db: Db, personNos: readonly string[], regionPrefix: string): Promise<Set<string>> {
  const outside = new Set<string>()
  if (regionPrefix === '') return outside
  for (let i = 0; i < personNos.length; i += PERSON_NO_CHUNK) {
    const chunk = personNos.slice(i, i + PERSON_NO_CHUNK)
    const rows = await db
      .selectFrom('persons')
      .select('person_no')
      .where('person_no', 'in', chunk)
      .where('region_code', 'not like', regionLike(regionPrefix))
      .execute()
    for (const r of rows) outside.add(r.person_no)
  }
  return outside
}
