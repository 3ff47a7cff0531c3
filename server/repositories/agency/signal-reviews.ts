/**
 * 死亡信息核实 in SQL: the open signal_reviews flags of persons inside the actor's region (a flag of a
 * person outside it is not found, exactly like an unknown one), and closing one — a single guarded
 * UPDATE, so two admins closing the same flag at once: exactly one does.
 */
import type { Db } from '../types'
import { inRegion } from './review'

export interface OpenFlagRow {
  id: string
  person_id: string
  reason: 'death' | 'conflict'
  source: string
  occurred_on: string
  created_at: string
  person_no: string
  name_masked: string
}

const FLAG_COLUMNS = ['s.id', 's.person_id', 's.reason', 's.source', 's.occurred_on', 's.created_at', 'p.person_no', 'p.name_masked'] as const

const flagsInRegion = (db: Db, regionPrefix: string) => db.selectFrom('signal_reviews as s').innerJoin('persons as p', 'p.id', 's.person_id').where(inRegion(regionPrefix))
const openFlagsInRegion = (db: Db, regionPrefix: string) => flagsInRegion(db, regionPrefix).where('s.status', '=', 'open')

/** Open flags in the region, oldest first, at most `limit`. */
export async function openFlags(db: Db, regionPrefix: string, limit: number): Promise<OpenFlagRow[]> {
  return openFlagsInRegion(db, regionPrefix)
    .select(FLAG_COLUMNS)
    .orderBy('s.created_at')
    .orderBy('s.id')
    .limit(limit)
    .execute()
}

export async function countOpenFlags(db: Db, regionPrefix: string): Promise<number> {
  const row = await openFlagsInRegion(db, regionPrefix).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()
  return Number(row.n)
}

/** A flag (open or closed) of a person inside the region. */
export async function flagInRegion(db: Db, regionPrefix: string, id: string): Promise<(OpenFlagRow & { status: 'open' | 'closed' }) | undefined> {
  return flagsInRegion(db, regionPrefix).select([...FLAG_COLUMNS, 's.status']).where('s.id', '=', id).executeTakeFirst()
}

/** The passed records of these persons certified on or after `since`, newest first (a page of flags: a few hundred persons at most). */
export async function passesOfPersonsSince(db: Db, personIds: readonly string[], since: string): Promise<{ person_id: string; certified_at: string; method: string }[]> {
  if (personIds.length === 0) return []
  return db
    .selectFrom('certification_records')
    .select(['person_id', 'certified_at', 'method'])
    .where('person_id', 'in', personIds)
    .where('result', '=', 'passed')
    .where('certified_at', '>=', since)
    .orderBy('certified_at', 'desc')
    .execute()
}

/** Closes the flag if it is still open; false when someone else closed it first. */
export async function closeFlag(db: Db, id: string): Promise<boolean> {
  const closed = await db.updateTable('signal_reviews').set({ status: 'closed' }).where('id', '=', id).where('status', '=', 'open').returning('id').execute()
  return closed.length > 0
}
