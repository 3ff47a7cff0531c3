/** 线下认证登记 in SQL: the person inside the actor's region, and a clerk's earlier record of the same request. */
import type { Insertable } from 'kysely'
import type { CertificationRecordsTable } from '../../db/schema'
import type { RecordRow } from '../records'
import type { Db, PersonRow } from '../types'
import { inRegion } from './review'

export async function findPersonInRegion(db: Db, regionPrefix: string, personId: string): Promise<PersonRow | undefined> {
  return db.selectFrom('persons as p').selectAll('p').where('p.id', '=', personId).where(inRegion(regionPrefix)).executeTakeFirst()
}

/** The clerk's record of this request id (unique per clerk: migration 016). */
export async function findOfflineRequest(db: Db, agencyUserId: string, requestId: string): Promise<RecordRow | undefined> {
  return db
    .selectFrom('certification_records')
    .selectAll()
    .where('performer_agency_user_id', '=', agencyUserId)
    .where('agency_request_id', '=', requestId)
    .executeTakeFirst()
}

export async function insertOfflineRecord(db: Db, row: Insertable<CertificationRecordsTable>): Promise<void> {
  await db.insertInto('certification_records').values(row).execute()
}

/** Whether a 'benefit.reinstated' row names this record (a repeated request answers as the first did). */
export async function reinstatedBy(db: Db, personId: string, recordId: string): Promise<boolean> {
  const rows = await db
    .selectFrom('audit_log')
    .select(['detail'])
    .where('subject_person_id', '=', personId)
    .where('action', '=', 'benefit.reinstated')
    .execute()
  return rows.some((r) => (JSON.parse(r.detail) as { recordId?: unknown }).recordId === recordId)
}
