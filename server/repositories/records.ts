/** Certification records (历史认证记录). */
import type { Insertable, Selectable } from 'kysely'
import type { CertificationRecordsTable } from '../db/schema'
import type { Db } from './types'

export type RecordRow = Selectable<CertificationRecordsTable>

/** Newest first; `before` (exclusive) pages backwards by certified_at. */
export async function listRecordsOfPerson(db: Db, personId: string, limit: number, before?: string): Promise<RecordRow[]> {
  let q = db.selectFrom('certification_records').selectAll().where('person_id', '=', personId)
  if (before) q = q.where('certified_at', '<', before)
  return q.orderBy('certified_at', 'desc').orderBy('id', 'desc').limit(limit).execute()
}

export async function latestRecordOfPerson(db: Db, personId: string): Promise<RecordRow | undefined> {
  return db.selectFrom('certification_records').selectAll().where('person_id', '=', personId).orderBy('certified_at', 'desc').orderBy('id', 'desc').limit(1).executeTakeFirst()
}

export async function latestPassOfPerson(db: Db, personId: string): Promise<RecordRow | undefined> {
  return db
    .selectFrom('certification_records')
    .selectAll()
    .where('person_id', '=', personId)
    .where('result', '=', 'passed')
    .orderBy('certified_at', 'desc')
    .limit(1)
    .executeTakeFirst()
}

/** The single record a roster import keeps per person (channel import, method legacy). */
export async function findImportRecord(db: Db, personId: string): Promise<RecordRow | undefined> {
  return db
    .selectFrom('certification_records')
    .selectAll()
    .where('person_id', '=', personId)
    .where('channel', '=', 'import')
    .where('method', '=', 'legacy')
    .executeTakeFirst()
}

export async function insertRecord(db: Db, row: Insertable<CertificationRecordsTable>): Promise<void> {
  await db.insertInto('certification_records').values(row).execute()
}

export async function setRecordCertifiedAt(db: Db, id: string, certifiedAt: string): Promise<void> {
  await db.updateTable('certification_records').set({ certified_at: certifiedAt }).where('id', '=', id).execute()
}

export async function countRecords(db: Db): Promise<number> {
  const row = await db.selectFrom('certification_records').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()
  return Number(row.n)
}
