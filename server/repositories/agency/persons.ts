/**
 * 人员查询 in SQL. Every read is limited to the actor's region prefix in the query: a person outside
 * it is not found, exactly like an unknown one. Name and ID number are looked up by their blind
 * indexes (persons.name_hash, persons.id_number_hash), never decrypted to compare.
 */
import type { Db, PersonRow } from '../types'
import type { RecordRow } from '../records'
import { inRegion } from './review'

export interface PersonSearchKeys {
  personNo?: string
  idNumberHash?: string
  nameHash?: string
}

/** Persons matching every given key inside the region, by 个人编号; at most `limit`. */
export async function searchPersons(db: Db, regionPrefix: string, keys: PersonSearchKeys, limit: number): Promise<PersonRow[]> {
  let q = db.selectFrom('persons as p').selectAll('p').where(inRegion(regionPrefix))
  if (keys.personNo !== undefined) q = q.where('p.person_no', '=', keys.personNo)
  if (keys.idNumberHash !== undefined) q = q.where('p.id_number_hash', '=', keys.idNumberHash)
  if (keys.nameHash !== undefined) q = q.where('p.name_hash', '=', keys.nameHash)
  return q.orderBy('p.person_no').limit(limit).execute()
}

export async function recordsOfPerson(db: Db, personId: string, limit: number): Promise<RecordRow[]> {
  return db
    .selectFrom('certification_records')
    .selectAll()
    .where('person_id', '=', personId)
    .orderBy('certified_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute()
}

/** The sessions of a person, newest first (with the record each produced, and what decides its state). */
export async function sessionsOfPerson(db: Db, personId: string, limit: number) {
  return db
    .selectFrom('certification_sessions')
    .select(['id', 'created_at', 'expires_at', 'status', 'channel', 'performer', 'identity_kind', 'reason_code', 'rejected_code', 'record_id'])
    .where('person_id', '=', personId)
    .orderBy('created_at', 'desc')
    .limit(limit)
    .execute()
}

/** Verifier outcome per record: the session's identity kind and reason, if a session produced it. */
export async function sessionsOfRecords(db: Db, recordIds: readonly string[]) {
  if (recordIds.length === 0) return []
  return db.selectFrom('certification_sessions').select(['record_id', 'identity_kind', 'reason_code']).where('record_id', 'in', recordIds).execute()
}

export async function relativesOfPerson(db: Db, personId: string) {
  return db
    .selectFrom('relatives')
    .select(['account_id', 'relation', 'created_at'])
    .where('person_id', '=', personId)
    .where('removed_at', 'is', null)
    .orderBy('created_at')
    .execute()
}

export async function remindersOfPerson(db: Db, personId: string, limit: number) {
  return db
    .selectFrom('reminder_outbox')
    .select(['kind', 'template', 'cycle', 'relation', 'status', 'attempts', 'created_at', 'done_at'])
    .where('person_id', '=', personId)
    .orderBy('created_at', 'desc')
    .limit(limit)
    .execute()
}
