/**
 * The append-only audit log. `detail` must never hold personal data (no names, ID or card numbers,
 * no openids): codes, methods, counts and internal ids only. The database refuses UPDATE and DELETE.
 */
import type { AuditLogTable } from '../db/schema'
import { newId } from '../db/ids'
import type { Db } from './types'

export interface AuditEntry {
  at: string
  actorType: AuditLogTable['actor_type']
  actorRef: string
  action: string
  subjectPersonId?: string | null
  detail?: Record<string, string | number | boolean | null>
}

export async function appendAudit(db: Db, entry: AuditEntry): Promise<void> {
  await db
    .insertInto('audit_log')
    .values({
      id: newId(),
      at: entry.at,
      actor_type: entry.actorType,
      actor_ref: entry.actorRef,
      action: entry.action,
      subject_person_id: entry.subjectPersonId ?? null,
      detail: JSON.stringify(entry.detail ?? {}),
    })
    .execute()
}
