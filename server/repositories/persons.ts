/** The roster (persons). Personal fields arrive here already encrypted / hashed. */
import { sql, type Insertable, type Updateable } from 'kysely'
import type { PersonsTable } from '../db/schema'
import { compiledOnce } from './compiled'
import type { Db, PersonRow } from './types'

// Compiled once (compiled.ts): every start and completion reads the person.
const selectPersonById = compiledOnce(1, (db, id: string) => db.selectFrom('persons').selectAll().where('id', '=', id))

export async function findPersonById(db: Db, id: string): Promise<PersonRow | undefined> {
  return (await selectPersonById(db, id))[0] as PersonRow | undefined
}

export async function findPersonByIdHash(db: Db, idNumberHash: string): Promise<PersonRow | undefined> {
  return db.selectFrom('persons').selectAll().where('id_number_hash', '=', idNumberHash).executeTakeFirst()
}

/** By 个人编号 (the agency's own number, not personal data). */
export async function findPersonByPersonNo(db: Db, personNo: string): Promise<PersonRow | undefined> {
  return db.selectFrom('persons').selectAll().where('person_no', '=', personNo).executeTakeFirst()
}

export async function listAllPersons(db: Db): Promise<PersonRow[]> {
  return db.selectFrom('persons').selectAll().execute()
}

export async function countPersons(db: Db): Promise<number> {
  const row = await db.selectFrom('persons').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()
  return Number(row.n)
}

export async function insertPerson(db: Db, row: Insertable<PersonsTable>): Promise<void> {
  await db.insertInto('persons').values(row).execute()
}

export async function updatePerson(db: Db, id: string, patch: Updateable<PersonsTable>): Promise<void> {
  await db.updateTable('persons').set(patch).where('id', '=', id).execute()
}

/**
 * A pass on `passDate`: pension back to normal, and last_certified_on moved to the pass unless it is
 * later already. The later date wins in SQL, so two passes committing at once cannot move it backwards.
 */
export async function markPersonPassed(db: Db, id: string, passDate: string, nowIso: string): Promise<void> {
  await db
    .updateTable('persons')
    .set({
      last_certified_on: sql<string>`case when last_certified_on is null or last_certified_on < ${passDate} then ${passDate} else last_certified_on end`,
      benefit_status: 'normal',
      suspended_since: null,
      updated_at: nowIso,
    })
    .where('id', '=', id)
    .execute()
}
