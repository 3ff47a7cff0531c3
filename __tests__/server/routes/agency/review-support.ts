/**
 * Fixtures for the review, offline-record and person routes: a demo person by 个人编号, a bound
 * account subscribed to result notices, and a record waiting for 人工审核 as a completed
 * manual-review session leaves it (record, session, completion audit row).
 */
import { newId } from '../../../../server/db/ids'
import type { Db, PersonRow } from '../../../../server/repositories/types'

export async function personByNo(db: Db, personNo: string): Promise<PersonRow> {
  return db.selectFrom('persons').selectAll().where('person_no', '=', personNo).executeTakeFirstOrThrow()
}

/** An account bound to the person as 本人 (the one already bound, if any), subscribed long-term to 认证结果通知. */
export async function boundSubscriber(db: Db, personId: string, now: string): Promise<string> {
  const bound = await db.selectFrom('bindings').select('account_id').where('person_id', '=', personId).where('unbound_at', 'is', null).executeTakeFirst()
  if (bound) return bound.account_id
  const accountId = newId()
  await db.insertInto('accounts').values({ id: accountId, platform: 'local', openid: `wx_${accountId}`, created_at: now, last_seen_at: now }).execute()
  await db
    .insertInto('bindings')
    .values({ id: newId(), account_id: accountId, person_id: personId, relation: 'self', bound_at: now, unbound_at: null, method: 'manual', created_at: now })
    .execute()
  await db.insertInto('reminder_subscriptions').values({ account_id: accountId, template: 'certificationResult', credits: 1, long_term: 1, accepted_total: 1, updated_at: now }).execute()
  return accountId
}

/** A completed manual-review certification of the person by `accountId`, waiting for a decision. */
/** `holdReason`: what the completion recorded as the reason it went to review (none: as before hold reasons were recorded). */
export async function pendingRecord(db: Db, personId: string, accountId: string, certifiedAt: string, via?: { kind: 'share'; ref: string }, holdReason?: string): Promise<string> {
  const recordId = newId()
  const sessionId = newId()
  await db
    .insertInto('certification_records')
    .values({
      id: recordId,
      person_id: personId,
      certified_at: certifiedAt,
      result: 'pending_review',
      method: 'face',
      channel: 'weapp',
      performed_by: 'self',
      performer_account_id: accountId,
      created_at: certifiedAt,
      performer_relation: null,
      via: null,
    })
    .execute()
  await db
    .insertInto('certification_sessions')
    .values({
      id: sessionId,
      account_id: accountId,
      performer: 'self',
      person_id: personId,
      channel: 'weapp',
      challenge: 'blink,turn_left',
      nonce_hash: 'x',
      liveness_config: '{}',
      identity_kind: 'manual-review',
      identity_step: '{"kind":"none"}',
      status: 'completed',
      created_at: certifiedAt,
      expires_at: certifiedAt,
      completed_at: certifiedAt,
      record_id: recordId,
      reason_code: null,
      rejected_code: null,
      summary_digest: null,
      answer: null,
      via: via?.kind ?? null,
      via_ref: via?.ref ?? null,
    })
    .execute()
  await db
    .insertInto('audit_log')
    .values({
      id: newId(),
      at: certifiedAt,
      actor_type: 'account',
      actor_ref: accountId,
      action: 'certification.completed',
      subject_person_id: personId,
      detail: JSON.stringify({ sessionId, recordId, result: 'pending_review', reasonCode: null, identity: 'manual-review', evidence: 'not_expected', closestEarlierSummary: 0.41, ...(holdReason ? { holdReason } : {}) }),
    })
    .execute()
  return recordId
}

export async function recordRow(db: Db, recordId: string) {
  return db.selectFrom('certification_records').selectAll().where('id', '=', recordId).executeTakeFirstOrThrow()
}

export async function auditRows(db: Db, action: string) {
  return db.selectFrom('audit_log').selectAll().where('action', '=', action).orderBy('at').execute()
}

/** A share card the account sent for the person (its id is what a session's via_ref names). */
export async function shareCard(db: Db, personId: string, senderAccountId: string, now: string): Promise<string> {
  const relativeId = newId()
  await db.insertInto('relatives').values({ id: relativeId, account_id: senderAccountId, person_id: personId, relation: 'mother', created_at: now, removed_at: null }).execute()
  const id = newId()
  await db
    .insertInto('share_tokens')
    .values({ id, relative_id: relativeId, sender_account_id: senderAccountId, person_id: personId, relation: 'mother', created_at: now, expires_at: '2099-01-01T00:00:00.000Z', revoked_at: null, used_after_pass_at: null })
    .execute()
  return id
}

/** A death (or conflict) flag on the person as the signals import writes it; its id. */
export async function flagPerson(db: Db, personId: string, at: { now: string; reason?: 'death' | 'conflict'; source?: string; occurredOn?: string; status?: 'open' | 'closed' }): Promise<string> {
  const id = newId()
  await db
    .insertInto('signal_reviews')
    .values({ id, person_id: personId, reason: at.reason ?? 'death', source: at.source ?? 'funeral', occurred_on: at.occurredOn ?? at.now.slice(0, 10), import_id: newId(), status: at.status ?? 'open', created_at: at.now })
    .execute()
  return id
}
