/** Certification sessions (开始认证 → 完成认证). Data access only; the rules are in services/certification.ts. */
import { sql, type Insertable, type Selectable } from 'kysely'
import type { SessionRejectedCode } from '../../src/core/contracts/certification'
import type { CertificationSessionsTable, Dialect } from '../db/schema'
import { compiledOnce, executeFixed } from './compiled'
import type { Db } from './types'

export type SessionRow = Selectable<CertificationSessionsTable>

export async function insertSession(db: Db, row: Insertable<CertificationSessionsTable>): Promise<void> {
  // (a start passes the same columns every time: a few fixed texts)
  await executeFixed(db, db.insertInto('certification_sessions').values(row))
}

// Every completion runs these reads (and cancel / retries the first): compiled once (compiled.ts).
const selectSession = compiledOnce(1, (db, id: string) => db.selectFrom('certification_sessions').selectAll().where('id', '=', id))
const selectSessionBySummaryDigest = compiledOnce(1, (db, digest: string) => db.selectFrom('certification_sessions').select('id').where('summary_digest', '=', digest))
const selectSummaryFingerprints = compiledOnce(1, (db, personId: string) =>
  db
    .selectFrom('certification_sessions')
    .select(['id', 'summary_fingerprint'])
    .where('person_id', '=', personId)
    .where('summary_fingerprint', 'is not', null)
    .orderBy('created_at'),
)
const selectFailedFaceRecordsSince = compiledOnce(2, (db, personId: string, since: string) =>
  db
    .selectFrom('certification_records')
    .select((eb) => eb.fn.countAll().as('n'))
    .where('person_id', '=', personId)
    // Literals, not bound values: certification_records has partial indexes on result, and SQLite
    // re-plans a statement on every run when a bound value meets such a column (every completion runs this).
    .where('result', '=', sql.lit('failed'))
    .where('method', '=', sql.lit('face'))
    .where('certified_at', '>=', since),
)

export async function findSession(db: Db, id: string): Promise<SessionRow | undefined> {
  return (await selectSession(db, id))[0]
}

// Not prepared on PostgreSQL (compiled.ts, `prepared`): sessions pile up fast from an empty table.
const selectOpenSessionCount = compiledOnce(
  2,
  (db, accountId: string, now: string) =>
    db.selectFrom('certification_sessions').select((eb) => eb.fn.countAll().as('n')).where('account_id', '=', accountId).where('status', '=', 'open').where('expires_at', '>', now),
  { prepared: false },
)

/** Sessions of an account that are still open and not expired at `now` (ISO); every start counts them (before and inside its transaction). */
export async function countOpenSessions(db: Db, accountId: string, now: string): Promise<number> {
  const [row] = await selectOpenSessionCount(db, accountId, now)
  return Number(row.n)
}

/**
 * Serialises session starts of one account inside a transaction: PostgreSQL locks the account row;
 * SQLite already runs one write transaction at a time.
 */
export async function lockAccountForSessions(trx: Db, dialect: Dialect, accountId: string): Promise<void> {
  if (dialect === 'postgres') await lockAccount(trx, accountId)
}

// Every start runs it inside its transaction: compiled once, so PostgreSQL plans it once per connection
// (a primary-key lookup; planning it was ~20 µs of PostgreSQL's CPU a start, bench:api --pg-statements).
const lockAccount = compiledOnce(1, (db, id: string) => db.selectFrom('accounts').select('id').where('id', '=', id).forUpdate())

export async function findSessionBySummaryDigest(db: Db, digest: string): Promise<Pick<SessionRow, 'id'> | undefined> {
  return (await selectSessionBySummaryDigest(db, digest))[0]
}

/** The summary fingerprints of every completed session of a person (any performer, any account). */
export async function summaryFingerprintsOfPerson(db: Db, personId: string): Promise<{ id: string; summary_fingerprint: string }[]> {
  return (await selectSummaryFingerprints(db, personId)) as { id: string; summary_fingerprint: string }[]
}

/**
 * Completes an open session (the single-use switch): true when this call completed it, false when it
 * was no longer open (another completion won).
 */
export async function markSessionCompleted(
  db: Db,
  id: string,
  patch: { completedAt: string; recordId: string; reasonCode: string | null; summaryDigest: string; summaryFingerprint: string | null; answer: string },
): Promise<boolean> {
  const res = await executeFixed(
    db,
    db
      .updateTable('certification_sessions')
      .set({
        status: 'completed',
        completed_at: patch.completedAt,
        record_id: patch.recordId,
        reason_code: patch.reasonCode,
        summary_digest: patch.summaryDigest,
        summary_fingerprint: patch.summaryFingerprint,
        answer: patch.answer,
      })
      .where('id', '=', id)
      .where('status', '=', 'open'),
  )
  return Number(res.numAffectedRows ?? 0) === 1
}

/**
 * Burns an open session after a refused (suspicious) completion; it answers `code` from now on. Its
 * summary is not kept as "used": only completed sessions take part in the reuse check. `code` is one
 * of SESSION_REJECTED_CODES, so the console's labels (SESSION_REJECTED_LABELS) cover every stored one.
 */
export async function markSessionRejected(db: Db, id: string, patch: { at: string; code: SessionRejectedCode }): Promise<boolean> {
  const res = await db
    .updateTable('certification_sessions')
    .set({ status: 'rejected', completed_at: patch.at, rejected_code: patch.code })
    .where('id', '=', id)
    .where('status', '=', 'open')
    .executeTakeFirst()
  return Number(res.numUpdatedRows) === 1
}

/** Failed face certifications of a person since `since` (ISO). */
export async function countFailedFaceRecordsSince(db: Db, personId: string, since: string): Promise<number> {
  const [row] = await selectFailedFaceRecordsSince(db, personId, since)
  return Number(row.n)
}
