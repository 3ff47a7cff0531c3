/**
 * 人工审核 in SQL. Every read joins persons and keeps only those inside the actor's region prefix, in
 * the query itself: a record of a person outside it is not found, exactly like an unknown one.
 */
import { sql } from 'kysely'
import type { Db, PersonRow } from '../types'
import type { RecordRow } from '../records'
import { openDeathReportExists } from '../signal-reviews'
import { prefixRange } from './standing'

/**
 * persons (aliased p) whose region_code starts with the prefix ('' = everything), as a range
 * [prefix, next prefix) like the standing read: it uses the region index whatever the collation.
 */
export function inRegion(prefix: string) {
  if (prefix === '') return sql<boolean>`1 = 1`
  const { lo, hi } = prefixRange(prefix)
  return hi === undefined ? sql<boolean>`p.region_code >= ${lo}` : sql<boolean>`p.region_code >= ${lo} and p.region_code < ${hi}`
}

export interface PendingRow {
  id: string
  person_id: string
  certified_at: string
  channel: RecordRow['channel']
  performed_by: RecordRow['performed_by']
  name_masked: string
  person_no: string
  /** Another department's death report on the person is open (not yet checked by the agency). */
  death_report_open: boolean
}

export interface QueueCursor {
  certifiedAt: string
  id: string
}

/** Pending records in the region, oldest first, after the cursor (keyset: certified_at, id). */
export async function listPending(db: Db, regionPrefix: string, after: QueueCursor | undefined, limit: number): Promise<PendingRow[]> {
  let q = db
    .selectFrom('certification_records as r')
    .innerJoin('persons as p', 'p.id', 'r.person_id')
    .select(['r.id', 'r.person_id', 'r.certified_at', 'r.channel', 'r.performed_by', 'p.name_masked', 'p.person_no'])
    .select((eb) => openDeathReportExists(eb.ref('r.person_id')).as('death_report_open'))
    .where('r.result', '=', 'pending_review')
    .where('r.decided_at', 'is', null)
    .where(inRegion(regionPrefix))
  if (after) q = q.where((eb) => eb.or([eb('r.certified_at', '>', after.certifiedAt), eb.and([eb('r.certified_at', '=', after.certifiedAt), eb('r.id', '>', after.id)])]))
  const rows = await q.orderBy('r.certified_at').orderBy('r.id').limit(limit).execute()
  // SQLite answers exists() as 0/1.
  return rows.map((r) => ({ ...r, death_report_open: Boolean(r.death_report_open) }))
}

export async function countPending(db: Db, regionPrefix: string): Promise<number> {
  const row = await db
    .selectFrom('certification_records as r')
    .innerJoin('persons as p', 'p.id', 'r.person_id')
    .select((eb) => eb.fn.countAll().as('n'))
    .where('r.result', '=', 'pending_review')
    .where('r.decided_at', 'is', null)
    .where(inRegion(regionPrefix))
    .executeTakeFirstOrThrow()
  return Number(row.n)
}

/** A record and its person, only when the person is inside the region. */
export async function findRecordInRegion(db: Db, regionPrefix: string, recordId: string): Promise<{ record: RecordRow; person: PersonRow } | undefined> {
  const record = await db
    .selectFrom('certification_records as r')
    .innerJoin('persons as p', 'p.id', 'r.person_id')
    .selectAll('r')
    .where('r.id', '=', recordId)
    .where(inRegion(regionPrefix))
    .executeTakeFirst()
  if (!record) return undefined
  const person = await db.selectFrom('persons').selectAll().where('id', '=', record.person_id).executeTakeFirstOrThrow()
  return { record, person }
}

export interface Decision {
  result: 'passed' | 'failed'
  decidedAt: string
  decidedBy: string
  reason: string | null
  note: string | null
}

/**
 * Takes the decision if nobody has: ONE conditional UPDATE. On PostgreSQL a second reviewer's UPDATE
 * waits for the first one's row lock and then re-checks the WHERE on the committed row (0 rows);
 * SQLite runs one writer at a time. True when this call decided.
 */
export async function decide(db: Db, recordId: string, d: Decision): Promise<boolean> {
  const r = await db
    .updateTable('certification_records')
    .set({ result: d.result, decided_at: d.decidedAt, decided_by: d.decidedBy, decision_reason: d.reason, decision_note: d.note })
    .where('id', '=', recordId)
    .where('result', '=', 'pending_review')
    .where('decided_at', 'is', null)
    .executeTakeFirst()
  return Number(r.numUpdatedRows) === 1
}

export async function findDecision(db: Db, recordId: string) {
  return db
    .selectFrom('certification_records as r')
    .leftJoin('agency_users as u', 'u.id', 'r.decided_by')
    .select(['r.result', 'r.decided_at', 'r.decided_by', 'u.display_name', 'u.username'])
    .where('r.id', '=', recordId)
    .executeTakeFirst()
}

/** Display names of agency users by id (decisions, offline records). */
export async function agencyUserNames(db: Db, ids: readonly string[]): Promise<Map<string, string>> {
  const unique = [...new Set(ids)]
  if (unique.length === 0) return new Map()
  const rows = await db.selectFrom('agency_users').select(['id', 'display_name', 'username']).where('id', 'in', unique).execute()
  return new Map(rows.map((r) => [r.id, r.display_name || r.username]))
}

export async function findSessionOfRecord(db: Db, recordId: string) {
  return db.selectFrom('certification_sessions').selectAll().where('record_id', '=', recordId).executeTakeFirst()
}

/**
 * The audit detail each record's completion wrote, by record id, for a page of the review queue: one
 * read on (subject_person_id, at) from the earliest record's time (a completion audits right after it
 * records), matched on the detail's recordId.
 */
export async function completionAuditsOfRecords(db: Db, records: readonly { id: string; person_id: string; certified_at: string }[]): Promise<Map<string, Record<string, unknown>>> {
  const out = new Map<string, Record<string, unknown>>()
  if (records.length === 0) return out
  const since = records.reduce((m, r) => (r.certified_at < m ? r.certified_at : m), records[0].certified_at)
  const rows = await db
    .selectFrom('audit_log')
    .select(['detail'])
    .where('subject_person_id', 'in', [...new Set(records.map((r) => r.person_id))])
    .where('action', '=', 'certification.completed')
    .where('at', '>=', since)
    .execute()
  const wanted = new Set(records.map((r) => r.id))
  for (const r of rows) {
    const detail = JSON.parse(r.detail) as Record<string, unknown>
    if (typeof detail.recordId === 'string' && wanted.has(detail.recordId)) out.set(detail.recordId, detail)
  }
  return out
}

/** The completion's audit detail of a session (the liveness verdict as the backend replayed it). */
export async function completionAuditOf(db: Db, personId: string, sessionId: string): Promise<Record<string, unknown> | undefined> {
  const rows = await db
    .selectFrom('audit_log')
    .select(['detail'])
    .where('subject_person_id', '=', personId)
    .where('action', '=', 'certification.completed')
    .orderBy('at', 'desc')
    .limit(50)
    .execute()
  for (const r of rows) {
    const detail = JSON.parse(r.detail) as Record<string, unknown>
    if (detail.sessionId === sessionId) return detail
  }
  return undefined
}

export async function faceReferenceOf(db: Db, personId: string) {
  return db.selectFrom('face_references').select(['enrolled_at', 'model']).where('person_id', '=', personId).orderBy('enrolled_at', 'desc').limit(1).executeTakeFirst()
}
