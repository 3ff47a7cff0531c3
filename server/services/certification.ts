/**
 * Certification sessions (docs/backend-api.md § certifications):
 *
 * start: the subject is the caller's bound 本人, a linked relative (relativeId → performer 'relative'
 *   with the relation), the person of a share card (shareToken) or of a printed notice (noticeCode)
 *   (performer 'self' with via share/notice; see resolveSubject). The backend picks the
 *   challenge (crypto randomness; CERT_TEST_CHALLENGE fixes it in tests), a nonce and an expiry, asks
 *   the identity verifier for its client step, and stores the session. At most N open sessions per account.
 *
 * complete, in this order: the session is the caller's (else SESSION_NOT_FOUND, existence never
 *   leaked) → nonce → already completed? the SAME answer again (retry-safe) → refused before? the same
 *   refusal → expired? SESSION_EXPIRED → the summary's timing is plausible → the summary was not used
 *   before: not byte-identical to any, and its fingerprint not close to any earlier summary of the same
 *   person (TRACE_REUSED) → replay through the engine with the session's challenge and timing; a verdict
 *   that differs is refused (LIVENESS_MISMATCH) and audited as a suspected tamper → the evidence frames
 *   are bound to the session's moments and show what the summary says there (EVIDENCE_MISMATCH;
 *   evidence-checks.ts) → identity verification (liveness passed only; WeChat 人脸核身 not completed →
 *   IDENTITY_NOT_COMPLETED, no record) → ONE transaction: record,
 *   下次认证日期, suspension lifted with reinstatement, session completed with its answer and summary
 *   fingerprint, audit entries. The fingerprint, comparison, replay and Human on the frames run in
 *   worker threads (CertificationWork). Failures write a failed record too, so failures per day can be
 *   counted (failuresToday).
 */
import { randomBytes } from 'node:crypto'
import {
  CERT_REASON_TEXTS,
  type BackendCompleteCertification,
  type BackendStartCertification,
  type CertificationResultView,
  type CertificationSessionView,
  type CertReasonCode,
  type EvidenceMoment,
  type IdentityFailReason,
  type IdentityStepView,
  type LivenessTimingConfig,
  type SessionRejectedCode,
} from '../../src/core/contracts/certification'
import { RECORD_RESULT_LABELS, type RecordResult } from '../../src/core/contracts/common'
import type { ReviewHoldReason } from '../../src/core/contracts/agency/review'
import { deadlineLabel, firstDayOf, monthLabel, type CycleWindow } from '../../src/core/cycle'
import { standingFactsOf, standingOf } from '../../src/core/standing'
import { DomainError, type ErrorCode } from '../../src/core/errors'
import { FINGERPRINT_REUSE_THRESHOLD } from '../../src/core/liveness/fingerprint'
import type { ActionEvent, ActionName } from '../../src/core/liveness/types'
import { failureText } from '../../src/core/liveness/session/texts'
import { safeEqual, sha256Hex } from '../crypto/hmac'
import { isUniqueViolation } from '../db/errors'
import { newId } from '../db/ids'
import { ImageDecodeError, type FaceAnalysis } from '../identity/human-node'
import type { IdentityClientStep, IdentityOutcome, IdentityRejectReason, IdentitySubject, IdentityVerifier } from '../identity/port'
import { ensureAccount, findAccountId } from '../repositories/accounts'
import { appendAudit, type AuditEntry } from '../repositories/audit'
import { activeSelfBindingOfAccount } from '../repositories/bindings'
import { hasOpenDeathReport } from '../repositories/signal-reviews'
import { findPersonById } from '../repositories/persons'
import { insertRecord } from '../repositories/records'
import {
  countFailedFaceRecordsSince,
  countOpenSessions,
  findSession,
  findSessionBySummaryDigest,
  insertSession,
  summaryFingerprintsOfPerson,
  lockAccountForSessions,
  markSessionCompleted,
  markSessionRejected,
  type SessionRow,
} from '../repositories/sessions'
import type { Db, PersonRow } from '../repositories/types'
import { shanghaiDate, shanghaiMidnightIso } from '../time/clock'
import { checkTrace, contentDigest, decodeChallenge, encodeChallenge, pickChallenge, summaryContent, verdictAgrees } from './certification-checks'
import { checkEvidence, faceObservation, type EvidenceResult } from './evidence-checks'
import type { ObservedFace, SummaryExamination, SummaryExaminationTask } from './summary-examination'
import type { CertificationConfig } from './certification-config'
import type { ServiceContext } from './context'
import { findActiveRelativeByPerson, findActiveRelativeOfAccount } from '../repositories/relatives'
import { findShare, markShareUsed } from '../repositories/shares'
import { usableNotice } from './notices'
import { applyPass, reinstatedAuditDetail, type Reinstated } from './passes'
import type { FamilyDeps } from './relatives-common'
import { usableShare } from './shares'
import { resolveUnitSubject, unitAdminMayStill } from './unit-admins'

/**
 * The CPU-heavy work of a completion, done off the event loop (server/workers/certification-pool.ts):
 * examining the summary (fingerprint, comparison with earlier ones, replay) and reading evidence
 * frames with Human.
 */
export interface CertificationWork {
  examineSummary(input: SummaryExaminationTask): Promise<SummaryExamination>
  /** Throws ImageDecodeError for a frame that is not a readable JPEG; anything else = unavailable. */
  analyse(jpeg: Uint8Array): Promise<FaceAnalysis>
}

/** What the certification service needs besides the common context. */
export interface CertificationDeps {
  identity: IdentityVerifier
  work: CertificationWork
  config: CertificationConfig
  /** Whether the weapp client may upload evidence frames (IDENTITY_WEAPP_FRAME_UPLOAD; WeChat's rule). */
  weappFrameUpload: boolean
  /** Random integer in [0, max); crypto.randomInt by default. */
  randomInt?: (max: number) => number
  /** Share-card key (relatives-common.familyDepsFor); without it share tokens are refused as SHARE_INVALID. */
  family?: FamilyDeps
  /**
   * Called after a record committed (app.ts queues the 认证结果通知 / 家人认证完成通知 here, so they do
   * not wait for the next daily sweep). Its failure never undoes or fails the certification.
   */
  afterRecord?: (recordId: string) => Promise<void>
}

// Compile-time guards: the contract's copies must cover the identity port's types.
const IDENTITY_REASONS_COVERED: Record<IdentityRejectReason, IdentityFailReason> = {
  face_mismatch: 'face_mismatch',
  no_face: 'no_face',
  no_reference: 'no_reference',
  wechat_not_passed: 'wechat_not_passed',
  wechat_user_cancelled: 'wechat_user_cancelled',
}
const toStepView = (step: IdentityClientStep): IdentityStepView => step

async function audit(ctx: ServiceContext, db: Db, accountId: string, action: string, subject: string | null, detail: AuditEntry['detail']): Promise<void> {
  await appendAudit(db, { at: ctx.clock().toISOString(), actorType: 'account', actorRef: accountId, action, subjectPersonId: subject, detail })
}

/**
 * The person as the identity verifier sees them. Name and ID number are decrypted when first read:
 * only WeChat's check reads them, so manual review and local face matching never decrypt them.
 */
function identitySubject(ctx: ServiceContext, person: PersonRow, sessionId: string, openid: string): IdentitySubject {
  let pii: { name: string; idNumber: string } | undefined
  const opened = () => (pii ??= ctx.pii.openPerson(person.pii_enc))
  return {
    personId: person.id,
    sessionId,
    openid,
    get name() {
      return opened().name
    },
    get idNumber() {
      return opened().idNumber
    },
  }
}

// ───────────────────────────── subject ─────────────────────────────

/** Whose certification a session is, who performs it, and how the subject was reached. */
interface Subject {
  person: PersonRow
  performer: 'self' | 'relative' | 'unit_admin'
  relation: string | null
  relativeId: string | null
  via: 'share' | 'notice' | null
  viaRef: string | null
  /** performer 'unit_admin': the live appointment (services/unit-admins.ts). */
  unitAppointmentId?: string
}

/**
 * - nothing / subjectPersonId of the bound 本人 → self (not bound → NOT_BOUND); any other
 *   subjectPersonId → RELATIVE_NOT_FOUND (person ids are never handed out; relatives use relativeId);
 * - relativeId of an active link of this account → relative with the relation (else RELATIVE_NOT_FOUND);
 * - shareToken → the person it was sent for (SHARE_* refusals as openShare); performer self (the opener
 *   is the person), or relative when the sender opens their own card;
 * - noticeCode → the notice's person (NOTICE_* refusals as resolveNotice); performer self, or relative
 *   when the scanner has that person among their 家人.
 */
async function resolveSubject(ctx: ServiceContext, deps: CertificationDeps, accountId: string, body: BackendStartCertification): Promise<Subject> {
  if (body.unitMemberRef !== undefined) {
    const { person, appointmentId } = await resolveUnitSubject(ctx, deps.family, accountId, body.unitMemberRef)
    return { person, performer: 'unit_admin', relation: null, relativeId: null, via: null, viaRef: null, unitAppointmentId: appointmentId }
  }
  if (body.relativeId !== undefined) {
    const rel = await findActiveRelativeOfAccount(ctx.db, accountId, body.relativeId)
    const person = rel && (await findPersonById(ctx.db, rel.person_id))
    if (!rel || !person) {
      await audit(ctx, ctx.db, accountId, 'certification.start_refused', null, { reason: 'RELATIVE_NOT_FOUND', performer: 'relative' })
      throw new DomainError('RELATIVE_NOT_FOUND')
    }
    return { person, performer: 'relative', relation: rel.relation, relativeId: rel.id, via: null, viaRef: null }
  }
  if (body.shareToken !== undefined) {
    const family = deps.family ?? { shareKey: Buffer.alloc(0) }
    const { share, person } = await usableShare(ctx, family, accountId, body.shareToken, 'certification.start_refused')
    const bySender = share.sender_account_id === accountId
    const rel = bySender ? await findActiveRelativeOfAccount(ctx.db, accountId, share.relative_id) : undefined
    return rel
      ? { person, performer: 'relative', relation: rel.relation, relativeId: rel.id, via: 'share', viaRef: share.id }
      : { person, performer: 'self', relation: null, relativeId: null, via: 'share', viaRef: share.id }
  }
  if (body.noticeCode !== undefined) {
    const { notice, person } = await usableNotice(ctx, accountId, body.noticeCode, 'certification.start_refused')
    const rel = await findActiveRelativeByPerson(ctx.db, accountId, person.id)
    return rel
      ? { person, performer: 'relative', relation: rel.relation, relativeId: rel.id, via: 'notice', viaRef: notice.code }
      : { person, performer: 'self', relation: null, relativeId: null, via: 'notice', viaRef: notice.code }
  }
  const binding = await activeSelfBindingOfAccount(ctx.db, accountId)
  if (!binding) throw new DomainError('NOT_BOUND')
  if (body.subjectPersonId !== undefined && body.subjectPersonId !== binding.person_id) {
    await audit(ctx, ctx.db, accountId, 'certification.start_refused', null, { reason: 'RELATIVE_NOT_FOUND', performer: 'relative' })
    throw new DomainError('RELATIVE_NOT_FOUND')
  }
  const person = await findPersonById(ctx.db, binding.person_id)
  if (!person) throw new DomainError('NOT_BOUND')
  return { person, performer: 'self', relation: null, relativeId: null, via: null, viaRef: null }
}

// ───────────────────────────── start ─────────────────────────────

export async function startCertification(ctx: ServiceContext, deps: CertificationDeps, body: BackendStartCertification): Promise<CertificationSessionView> {
  const { config } = deps
  const now = ctx.clock()
  const nowIso = now.toISOString()
  const accountId = await ensureAccount(ctx.db, body.caller, nowIso)
  const subject = await resolveSubject(ctx, deps, accountId, body)
  const { person } = subject

  if ((await countOpenSessions(ctx.db, accountId, nowIso)) >= config.maxOpenSessions) {
    await audit(ctx, ctx.db, accountId, 'certification.start_refused', person.id, { reason: 'TOO_MANY_SESSIONS' })
    throw new DomainError('TOO_MANY_SESSIONS')
  }

  const sessionId = newId()
  const nonce = randomBytes(24).toString('base64url')
  const challenge = config.testChallenge ? config.testChallenge.slice() : pickChallenge(config.challengeActions, config.challengeLength, deps.randomInt)
  const expiresAt = new Date(now.getTime() + config.sessionTtlMs).toISOString()
  const timing: LivenessTimingConfig = { ...config.liveness }

  let step: IdentityClientStep
  try {
    step = await deps.identity.prepare(identitySubject(ctx, person, sessionId, body.caller.openid))
  } catch (err) {
    // The verifier is down, or the platform refused (e.g. WeChat's error code): not fixable by the person now.
    const e = err as { transient?: unknown; code?: unknown }
    await audit(ctx, ctx.db, accountId, 'certification.start_refused', person.id, {
      reason: 'SERVICE_UNAVAILABLE',
      identity: deps.identity.kind,
      transient: typeof e?.transient === 'boolean' ? e.transient : null,
      platformCode: typeof e?.code === 'number' ? e.code : null,
    })
    throw new DomainError('SERVICE_UNAVAILABLE')
  }

  await ctx.db.transaction().execute(async (trx) => {
    await lockAccountForSessions(trx, ctx.dialect, accountId)
    if ((await countOpenSessions(trx, accountId, nowIso)) >= config.maxOpenSessions) throw new DomainError('TOO_MANY_SESSIONS')
    await insertSession(trx, {
      id: sessionId,
      account_id: accountId,
      performer: subject.performer,
      person_id: person.id,
      channel: body.channel,
      relation: subject.relation,
      relative_id: subject.relativeId,
      via: subject.via,
      via_ref: subject.viaRef,
      unit_appointment_id: subject.unitAppointmentId ?? null,
      challenge: encodeChallenge(challenge),
      nonce_hash: sha256Hex(nonce),
      liveness_config: JSON.stringify(timing),
      identity_kind: deps.identity.kind,
      identity_step: JSON.stringify(step),
      status: 'open',
      created_at: nowIso,
      expires_at: expiresAt,
      completed_at: null,
      record_id: null,
      reason_code: null,
      rejected_code: null,
      summary_digest: null,
      answer: null,
    })
    await audit(ctx, trx, accountId, 'certification.started', person.id, {
      sessionId,
      performer: subject.performer,
      relation: subject.relation,
      relativeId: subject.relativeId,
      via: subject.via,
      ...(subject.unitAppointmentId ? { appointmentId: subject.unitAppointmentId } : {}),
      channel: body.channel,
      challenge: encodeChallenge(challenge),
      testChallenge: config.testChallenge !== undefined,
      identity: deps.identity.kind,
    })
  })

  return {
    sessionId,
    nonce,
    challenge,
    expiresAt,
    identityStep: toStepView(step),
    evidenceFrames: framesExpected(deps, body.channel) ? 1 + challenge.length : 0,
    livenessConfig: timing,
  }
}

/** Whether a session on this channel asks for evidence frames (the verifier needs them and WeChat's rule allows them). */
function framesExpected(deps: CertificationDeps, channel: SessionRow['channel']): boolean {
  return deps.identity.needsEvidenceFrames && (channel !== 'weapp' || deps.weappFrameUpload)
}

// ───────────────────────────── complete ─────────────────────────────

/** Another completion of the same session won the race (its answer is used). */
class AlreadyClosed extends Error {}
/** A 专管员's appointment was revoked or expired (or the person left the unit) while the checks ran. */
class UnitAppointmentEnded extends Error {}

/**
 * What the evidence frames proved: 'checked' (bound to this session's moments and showing them),
 * 'unreadable' (a frame without a readable face), 'absent' (expected but none sent: the verifier
 * gets none, so local-face-match leaves the record to manual review), 'not_expected' (the verifier
 * needs none, or weapp without frame upload: nothing about frames is checked).
 */
type EvidenceStatus = 'checked' | 'unreadable' | 'absent' | 'not_expected'

interface Outcome {
  result: RecordResult
  reasonCode?: CertReasonCode
  /** A timeout on an action: the action that was not seen (the answer's text names it). */
  missedAction?: ActionName
  identityScore?: number
  evidence?: EvidenceStatus
  /** Similarity to the closest earlier summary of the person (null: none to compare with). */
  similarity?: number | null
  /** pending_review: why it was not decided automatically (the reviewer's 转人工原因). */
  holdReason?: ReviewHoldReason
}

/** A liveness timeout's words name the missed action and what to try; other reasons keep their text. */
function missedActionText(code: CertReasonCode, action: ActionName): string {
  return code === 'timeout' ? failureText('timeout', action) : CERT_REASON_TEXTS[code]
}

/** Reads the frames off the event loop and checks them against the session (evidence-checks.ts). */
async function checkSessionEvidence(
  deps: CertificationDeps,
  challenge: ActionName[],
  actions: ActionEvent[],
  moments: EvidenceMoment[] | undefined,
  frames: string[],
  summaryAt: (ObservedFace | null)[],
): Promise<EvidenceResult | 'unavailable'> {
  const input = { challenge, actions, moments, frameCount: frames.length, summaryAt, frames: [] as (ObservedFace | null)[] }
  // Unbound frames are refused before any image is read.
  const unbound = checkEvidence({ ...input, frames: frames.map(() => null) })
  if (!unbound.ok && unbound.problem === 'unbound') return unbound
  const read = await Promise.all(
    frames.map(async (b64) => {
      try {
        return faceObservation(await deps.work.analyse(Buffer.from(b64, 'base64')))
      } catch (err) {
        if (err instanceof ImageDecodeError) return null
        return 'unavailable' as const
      }
    }),
  )
  if (read.includes('unavailable')) return 'unavailable'
  return checkEvidence({ ...input, frames: read as (ObservedFace | null)[] })
}

export async function completeCertification(ctx: ServiceContext, deps: CertificationDeps, body: BackendCompleteCertification): Promise<CertificationResultView> {
  const now = ctx.clock()
  const accountId = await findAccountId(ctx.db, body.caller)
  const session = await findSession(ctx.db, body.sessionId)
  if (!accountId || !session || session.account_id !== accountId) {
    if (accountId) await audit(ctx, ctx.db, accountId, 'certification.refused', null, { reason: 'SESSION_NOT_FOUND' })
    throw new DomainError('SESSION_NOT_FOUND')
  }
  const refuse = async (code: ErrorCode, detail: AuditEntry['detail'] = {}): Promise<never> => {
    await audit(ctx, ctx.db, accountId, 'certification.refused', session.person_id, { sessionId: session.id, reason: code, ...detail })
    throw new DomainError(code)
  }

  if (!safeEqual(sha256Hex(body.nonce), session.nonce_hash)) return refuse('SESSION_NONCE_MISMATCH')
  const settled = await settledAnswer(ctx, accountId, session)
  if (settled) return settled
  if (now.getTime() > Date.parse(session.expires_at)) return refuse('SESSION_EXPIRED')
  if (session.performer === 'self' && !session.via) {
    const binding = await activeSelfBindingOfAccount(ctx.db, accountId)
    if (!binding || binding.person_id !== session.person_id) return refuse('NOT_BOUND')
  }
  // 代他人认证: the link must still be there; a share card must not have been withdrawn meanwhile.
  if (session.performer === 'relative' && session.relative_id && !(await findActiveRelativeOfAccount(ctx.db, accountId, session.relative_id))) {
    return refuse('RELATIVE_NOT_FOUND')
  }
  if (session.via === 'share' && session.via_ref && (await findShare(ctx.db, session.via_ref))?.revoked_at) return refuse('SHARE_REVOKED')
  // 单位专管员: the appointment must still be live and the person still in its unit (checked again when writing).
  if (session.performer === 'unit_admin' && !(await unitAdminMayStill(ctx.db, accountId, session.unit_appointment_id, session.person_id, now.toISOString()))) {
    return reject(ctx, accountId, session, 'UNIT_ADMIN_NOT_APPOINTED', 'certification.refused', { performer: 'unit_admin', appointmentId: session.unit_appointment_id })
  }

  // The observations: timing first, then reuse, then the replay.
  const trace = checkTrace(body.summary, {
    lifetimeMs: Date.parse(session.expires_at) - Date.parse(session.created_at),
    elapsedMs: now.getTime() - Date.parse(session.created_at),
    minFps: deps.config.minFps,
    maxFps: deps.config.maxFps,
  })
  if (!trace.ok) {
    return reject(ctx, accountId, session, 'TRACE_IMPLAUSIBLE', 'certification.refused', {
      check: trace.problem,
      ...(trace.facts ? { frames: trace.facts.frames, spanMs: trace.facts.spanMs, fps: trace.facts.fps } : {}),
    })
  }
  // The content text is hashed here and sent to the worker as it is (one string, not ~8,000 values).
  const content = summaryContent(body.summary)
  const digest = contentDigest(content)
  if (await findSessionBySummaryDigest(ctx.db, digest)) {
    return reject(ctx, accountId, session, 'TRACE_REUSED', 'certification.tamper_suspected', { check: 'summary_reused', match: 'identical' })
  }
  const challenge = decodeChallenge(session.challenge)
  const timing = JSON.parse(session.liveness_config) as LivenessTimingConfig
  // Off the event loop: fingerprint + every earlier summary of the person, and the replay.
  const frames = session.channel === 'weapp' && !deps.weappFrameUpload ? undefined : body.evidence?.frames
  const moments = frames ? body.evidence?.moments : undefined
  const earlier = await summaryFingerprintsOfPerson(ctx.db, session.person_id)
  let exam: SummaryExamination
  try {
    exam = await deps.work.examineSummary({
      summaryContent: content,
      challenge,
      timing,
      earlier: earlier.filter((e) => e.id !== session.id).map((e) => ({ sessionId: e.id, fingerprint: e.summary_fingerprint })),
      at: (moments ?? []).map((m) => m.t),
    })
  } catch {
    await audit(ctx, ctx.db, accountId, 'certification.checks_unavailable', session.person_id, { sessionId: session.id, stage: 'summary' })
    throw new DomainError('SERVICE_UNAVAILABLE')
  }
  if (exam.closest && exam.closest.score >= FINGERPRINT_REUSE_THRESHOLD) {
    return reject(ctx, accountId, session, 'TRACE_REUSED', 'certification.tamper_suspected', {
      check: 'summary_reused',
      match: 'fingerprint',
      similarity: exam.closest.score,
      earlierSessionId: exam.closest.sessionId,
      scale: exam.closest.scale,
      offsetMs: exam.closest.offsetMs,
    })
  }
  const replay = exam.replay
  if ('inputError' in replay) {
    return reject(ctx, accountId, session, 'TRACE_IMPLAUSIBLE', 'certification.refused', { check: replay.inputError })
  }
  if (!verdictAgrees(body.verdict, replay)) {
    return reject(ctx, accountId, session, 'LIVENESS_MISMATCH', 'certification.tamper_suspected', {
      check: 'verdict_mismatch',
      clientPassed: body.verdict.passed,
      clientReason: body.verdict.reason ?? null,
      replayPassed: replay.passed,
      replayReason: replay.reason,
    })
  }

  // Evidence frames bound to this session's moments (liveness passed only; see evidence-checks.ts).
  let outcome: Outcome
  let evidence: EvidenceStatus = 'not_expected'
  if (!replay.passed) {
    outcome = { result: 'failed', reasonCode: replay.reason ?? 'incomplete' }
    // The client names the action it waited for; kept only when it is the step the replay stopped at.
    const missed = body.verdict.missedAction
    if (replay.reason === 'timeout' && missed && missed === challenge[replay.actions.length]) outcome.missedAction = missed
  } else {
    let bound: EvidenceResult | undefined
    if (!framesExpected(deps, session.channel)) evidence = 'not_expected'
    else if (!frames || frames.length === 0) evidence = 'absent'
    else {
      const checked = await checkSessionEvidence(deps, challenge, replay.actions, moments, frames, exam.observations)
      if (checked === 'unavailable') {
        await audit(ctx, ctx.db, accountId, 'certification.checks_unavailable', session.person_id, { sessionId: session.id, stage: 'evidence' })
        throw new DomainError('SERVICE_UNAVAILABLE')
      }
      if (!checked.ok && checked.problem === 'unbound') {
        return reject(ctx, accountId, session, 'EVIDENCE_MISMATCH', 'certification.tamper_suspected', { check: 'evidence_unbound', detail: checked.detail })
      }
      if (!checked.ok && checked.problem === 'contradicts') {
        return reject(ctx, accountId, session, 'EVIDENCE_MISMATCH', 'certification.tamper_suspected', { check: 'evidence_contradicts', findings: JSON.stringify(checked.findings) })
      }
      bound = checked
      evidence = checked.ok ? 'checked' : 'unreadable'
    }
    if (bound && !bound.ok && bound.problem === 'unreadable') {
      // No face to read in a frame: the same answer as the identity check gives for it.
      outcome = { result: 'failed', reasonCode: 'no_face' }
    } else {
      const person = await findPersonById(ctx.db, session.person_id)
      if (!person) throw new DomainError('INTERNAL')
      // Frames reach the verifier only when they are bound to this session (or none were expected).
      const verifiedFrames = evidence === 'checked' ? frames : evidence === 'not_expected' ? frames : undefined
      let verified: IdentityOutcome
      try {
        verified = await deps.identity.verify(identitySubject(ctx, person, session.id, body.caller.openid), { frames: verifiedFrames })
      } catch {
        verified = { outcome: 'unavailable' }
      }
      if (verified.outcome === 'unavailable') {
        // Not the person's fault: the session stays open, the same call can be retried.
        await audit(ctx, ctx.db, accountId, 'certification.identity_unavailable', session.person_id, { sessionId: session.id, identity: deps.identity.kind })
        throw new DomainError('SERVICE_UNAVAILABLE')
      }
      if (verified.outcome === 'rejected' && verified.reason === 'wechat_user_cancelled') {
        // WeChat's check was not completed (cancelled, no permission, device, timeout …): no record, so
        // nothing counts against the person; the session is burnt (its verify_id is spent).
        return reject(ctx, accountId, session, 'IDENTITY_NOT_COMPLETED', 'certification.identity_not_completed', { identity: deps.identity.kind })
      }
      outcome =
        verified.outcome === 'verified'
          ? { result: 'passed', identityScore: verified.score }
          : verified.outcome === 'rejected'
            ? { result: 'failed', reasonCode: IDENTITY_REASONS_COVERED[verified.reason], identityScore: verified.score }
            : { result: 'pending_review', holdReason: verified.reason }
    }
  }
  // A person another department reported dead is never certified automatically: a face that passes
  // then is the case 冒领 fraud looks like, so a person at the agency decides (人工审核).
  if (outcome.result === 'passed' && (await hasOpenDeathReport(ctx.db, session.person_id))) {
    await audit(ctx, ctx.db, accountId, 'certification.held_for_review', session.person_id, { sessionId: session.id, reason: 'death_report_open' })
    outcome = { result: 'pending_review', identityScore: outcome.identityScore, holdReason: 'death_report_open' }
  }
  outcome.evidence = evidence
  outcome.similarity = exam.closest?.score ?? null

  try {
    const answer = await writeOutcome(ctx, deps, accountId, session, outcome, digest, exam.fingerprint, challenge.length)
    if (deps.afterRecord) await deps.afterRecord(answer.recordId).catch(() => undefined)
    return answer
  } catch (err) {
    if (err instanceof UnitAppointmentEnded) {
      return reject(ctx, accountId, session, 'UNIT_ADMIN_NOT_APPOINTED', 'certification.refused', { performer: 'unit_admin', appointmentId: session.unit_appointment_id, stage: 'write' })
    }
    if (err instanceof AlreadyClosed) {
      const fresh = await findSession(ctx.db, session.id)
      const answer = fresh && (await settledAnswer(ctx, accountId, fresh))
      if (answer) return answer
      throw new DomainError('INTERNAL')
    }
    if (isUniqueViolation(err)) {
      // The same summary completed another session at the same moment.
      return reject(ctx, accountId, session, 'TRACE_REUSED', 'certification.tamper_suspected', { check: 'summary_reused' })
    }
    throw err
  }
}

/** A completed session answers its stored answer; a rejected one its refusal. */
async function settledAnswer(ctx: ServiceContext, accountId: string, session: SessionRow): Promise<CertificationResultView | undefined> {
  if (session.status === 'completed' && session.answer) {
    await audit(ctx, ctx.db, accountId, 'certification.completion_repeated', session.person_id, { sessionId: session.id, recordId: session.record_id })
    return JSON.parse(session.answer) as CertificationResultView
  }
  if (session.status === 'rejected') throw new DomainError((session.rejected_code ?? 'SESSION_EXPIRED') as ErrorCode)
  return undefined
}

/**
 * Burns the session (it answers `code` from now on), audits and throws the refusal. Should the session
 * have been settled meanwhile by a concurrent completion, that settlement is the answer instead.
 */
async function reject(
  ctx: ServiceContext,
  accountId: string,
  session: SessionRow,
  code: SessionRejectedCode,
  action: string,
  detail: AuditEntry['detail'],
): Promise<CertificationResultView> {
  const burnt = await markSessionRejected(ctx.db, session.id, { at: ctx.clock().toISOString(), code })
  if (!burnt) {
    const fresh = await findSession(ctx.db, session.id)
    const answer = fresh && (await settledAnswer(ctx, accountId, fresh))
    if (answer) return answer
  }
  await audit(ctx, ctx.db, accountId, action, session.person_id, { sessionId: session.id, reason: code, ...detail })
  throw new DomainError(code)
}

function nextDueOf(window: CycleWindow): Pick<CertificationResultView, 'nextDueDate' | 'nextDueMonthLabel' | 'nextDueDeadlineLabel'> {
  const first = firstDayOf(window.dueMonth)
  return { nextDueDate: first, nextDueMonthLabel: monthLabel(window.dueMonth), nextDueDeadlineLabel: deadlineLabel(first) }
}

/** Where the caller will look for this person's records (the result page links there). */
async function recordsPlace(trx: Db, accountId: string, session: SessionRow): Promise<Pick<CertificationResultView, 'recordsOf' | 'relativeId'>> {
  const binding = await activeSelfBindingOfAccount(trx, accountId)
  if (binding && binding.person_id === session.person_id) return { recordsOf: 'self' }
  if (session.relative_id && (await findActiveRelativeOfAccount(trx, accountId, session.relative_id))) return { recordsOf: 'relative', relativeId: session.relative_id }
  return { recordsOf: 'none' }
}

async function writeOutcome(
  ctx: ServiceContext,
  deps: CertificationDeps,
  accountId: string,
  session: SessionRow,
  outcome: Outcome,
  digest: string,
  fingerprint: string,
  challengeLength: number,
): Promise<CertificationResultView> {
  return ctx.db.transaction().execute(async (trx) => {
    const now = ctx.clock()
    const nowIso = now.toISOString()
    const today = shanghaiDate(now)
    const recordId = newId()
    if (session.performer === 'unit_admin' && !(await unitAdminMayStill(trx, accountId, session.unit_appointment_id, session.person_id, nowIso))) throw new UnitAppointmentEnded()
    await insertRecord(trx, {
      id: recordId,
      person_id: session.person_id,
      certified_at: nowIso,
      result: outcome.result,
      method: 'face',
      channel: session.channel,
      performed_by: session.performer,
      performer_account_id: session.account_id,
      created_at: nowIso,
      performer_relation: session.relation ?? null,
      via: session.via ?? null,
    })

    const person = await findPersonById(trx, session.person_id)
    if (!person) throw new DomainError('INTERNAL')
    // Where the person stood before this attempt, as the status view shows it (src/core/standing.ts).
    const before = standingOf(standingFactsOf(person), today, ctx.cyclePolicy)
    const certifiedBefore = before.state === 'certified'
    const answer: CertificationResultView = {
      recordId,
      result: outcome.result,
      resultLabel: RECORD_RESULT_LABELS[outcome.result],
      failuresToday: 0,
      maskedName: person.name_masked,
      alreadyCertified: certifiedBefore,
      ...(await recordsPlace(trx, accountId, session)),
    }
    if (outcome.reasonCode) {
      answer.reasonCode = outcome.reasonCode
      answer.reasonText = outcome.missedAction ? missedActionText(outcome.reasonCode, outcome.missedAction) : CERT_REASON_TEXTS[outcome.reasonCode]
    }
    let reinstated: Reinstated | undefined
    if (outcome.result === 'passed') {
      // The one path every pass takes (services/passes.ts): 下次认证日期 and the suspension.
      const pass = await applyPass(trx, ctx, { personId: person.id, passDate: today, nowIso })
      if (session.via === 'share' && session.via_ref) await markShareUsed(trx, session.via_ref, nowIso)
      Object.assign(answer, nextDueOf(pass.nextDue))
      reinstated = pass.reinstatement
      if (reinstated) answer.reinstatement = { resumeMonthLabel: monthLabel(reinstated.resumeMonth), backPaidMonths: reinstated.backPaidMonths.length }
    } else if (outcome.result === 'failed' && certifiedBefore) {
      // A voluntary retry that did not pass: the standing deadline, unchanged, says nothing is lost.
      Object.assign(answer, nextDueOf(before.window))
    }
    answer.failuresToday = await countFailedFaceRecordsSince(trx, session.person_id, shanghaiMidnightIso(today))

    const closed = await markSessionCompleted(trx, session.id, {
      completedAt: nowIso,
      recordId,
      reasonCode: outcome.reasonCode ?? null,
      summaryDigest: digest,
      summaryFingerprint: fingerprint,
      answer: JSON.stringify(answer),
    })
    if (!closed) throw new AlreadyClosed()

    await audit(ctx, trx, accountId, 'certification.completed', session.person_id, {
      sessionId: session.id,
      recordId,
      result: outcome.result,
      reasonCode: outcome.reasonCode ?? null,
      channel: session.channel,
      performer: session.performer,
      relation: session.relation ?? null,
      via: session.via ?? null,
      ...(session.unit_appointment_id ? { appointmentId: session.unit_appointment_id } : {}),
      actions: challengeLength,
      identity: deps.identity.kind,
      evidence: outcome.evidence ?? 'not_expected',
      closestEarlierSummary: outcome.similarity ?? null,
      ...(outcome.identityScore !== undefined ? { identityScore: Math.round(outcome.identityScore * 1000) / 1000 } : {}),
      ...(outcome.holdReason ? { holdReason: outcome.holdReason } : {}),
      failuresToday: answer.failuresToday,
    })
    if (reinstated) await audit(ctx, trx, accountId, 'benefit.reinstated', session.person_id, reinstatedAuditDetail(recordId, reinstated))
    return answer
  })
}
