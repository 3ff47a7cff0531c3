/**
 * 人工审核: the queue, one record's detail, and the decision. Approval takes the ONE pass path
 * (services/passes.ts applyPass) with the date the person certified, so 下次认证日期 moves and a
 * suspension lifts exactly as after an automatic pass. Of two reviewers deciding the same record at
 * once exactly one wins (repositories/agency/review.ts decide); the other is told who and when.
 */
import { CERT_REASON_LABELS, IDENTITY_FAIL_TEXTS, IDENTITY_KIND_LABELS } from '../../../src/core/contracts/certification'
import { labelOf, PERFORMER_LABELS, RECORD_CHANNEL_LABELS, RECORD_RESULT_LABELS } from '../../../src/core/contracts/common'
import { recordFacts } from '../views'
import {
  isReviewHoldReason,
  REVIEW_HOLD_REASON_LABELS,
  REVIEW_HOLD_REASON_SHORT_LABELS,
  REVIEW_REJECT_REASON_LABELS,
  REVIEW_REJECT_REASONS,
  type DecisionAnswer,
  type ReviewDetail,
  type ReviewHoldReason,
  type ReviewQueue,
  type ReviewRejectReason,
} from '../../../src/core/contracts/agency/review'
import { DomainError } from '../../../src/core/errors'
import { INSURANCE_LABELS } from '../../../src/core/insurance'
import { daysBetween } from '../../../src/core/reminders/policy'
import { firstDayOf } from '../../../src/core/cycle'
import type { AgencyActor } from '../../agency/actor'
import { appendAudit } from '../../repositories/audit'
import {
  agencyUserNames,
  completionAuditOf,
  completionAuditsOfRecords,
  countPending,
  decide,
  faceReferenceOf,
  findDecision,
  findRecordInRegion,
  findSessionOfRecord,
  listPending,
  type QueueCursor,
} from '../../repositories/agency/review'
import type { RecordRow } from '../../repositories/records'
import { markShareUsed } from '../../repositories/shares'
import { hasOpenDeathReport } from '../../repositories/signal-reviews'
import { shanghaiDate } from '../../time/clock'
import type { ServiceContext } from '../context'
import { applyPass, reinstatedAuditDetail } from '../passes'

const DEFAULT_PAGE = 20

const waitingDays = (certifiedAt: string, today: string): number => Math.max(0, daysBetween(shanghaiDate(new Date(certifiedAt)), today))

function encodeCursor(c: QueueCursor): string {
  return Buffer.from(`${c.certifiedAt}|${c.id}`).toString('base64url')
}

function decodeCursor(text: string | undefined): QueueCursor | undefined {
  if (!text) return undefined
  const [certifiedAt, id, extra] = Buffer.from(text, 'base64url').toString('utf8').split('|')
  if (!certifiedAt || !id || extra !== undefined) throw new DomainError('VALIDATION_FAILED', { field: 'after' })
  return { certifiedAt, id }
}

export async function reviewQueue(ctx: ServiceContext, actor: AgencyActor, input: { after?: string; limit?: number }): Promise<ReviewQueue> {
  const limit = input.limit ?? DEFAULT_PAGE
  const today = shanghaiDate(ctx.clock())
  const rows = await listPending(ctx.db, actor.regionPrefix, decodeCursor(input.after), limit + 1)
  const page = rows.slice(0, limit)
  const last = page.at(-1)
  const completions = await completionAuditsOfRecords(ctx.db, page)
  return {
    items: page.map((r) => ({
      recordId: r.id,
      personId: r.person_id,
      maskedName: r.name_masked,
      personNo: r.person_no,
      channel: r.channel,
      channelLabel: RECORD_CHANNEL_LABELS[r.channel],
      performedBy: r.performed_by,
      performerLabel: PERFORMER_LABELS[r.performed_by],
      certifiedAt: r.certified_at,
      waitingDays: waitingDays(r.certified_at, today),
      deathReportOpen: r.death_report_open,
      ...holdOf(completions.get(r.id)),
    })),
    next: rows.length > limit && last ? encodeCursor({ certifiedAt: last.certified_at, id: last.id }) : null,
    pendingTotal: await countPending(ctx.db, actor.regionPrefix),
  }
}

const REFERENCE_NOTE_ENROLLED = '已登记人脸特征（加密保存）；本系统不保存登记照片，请以活体检测结果和人脸比对结论为准'
const REFERENCE_NOTE_NONE = '此人未登记参考照片，无法自动比对；本系统不保存登记照片'
const EVIDENCE_NOTE = '本系统不保存认证时拍摄的现场照片，只保存活体检测结果'

export async function reviewDetail(ctx: ServiceContext, actor: AgencyActor, recordId: string): Promise<ReviewDetail> {
  const found = await findRecordInRegion(ctx.db, actor.regionPrefix, recordId)
  if (!found) throw new DomainError('AGENCY_OUT_OF_SCOPE')
  const { record, person } = found
  const today = shanghaiDate(ctx.clock())
  const [reference, session, names] = await Promise.all([
    faceReferenceOf(ctx.db, person.id),
    findSessionOfRecord(ctx.db, record.id),
    agencyUserNames(ctx.db, record.decided_by ? [record.decided_by] : []),
  ])
  const completion = session ? await completionAuditOf(ctx.db, person.id, session.id) : undefined
  await appendAudit(ctx.db, {
    at: ctx.clock().toISOString(),
    actorType: 'agency',
    actorRef: actor.userId,
    action: 'agency.review.viewed',
    subjectPersonId: person.id,
    detail: { recordId: record.id },
  })
  return {
    record: {
      recordId: record.id,
      ...recordFacts(record),
      performerLabel: PERFORMER_LABELS[record.performed_by],
      performerRelation: record.performer_relation,
      via: record.via,
      waitingDays: waitingDays(record.certified_at, today),
      decision: decisionView(record, names),
    },
    person: {
      personId: person.id,
      personNo: person.person_no,
      maskedName: person.name_masked,
      maskedIdNumber: person.id_number_masked,
      regionCode: person.region_code,
      insuranceLabel: INSURANCE_LABELS[person.insurance_type],
      benefitStatus: person.benefit_status,
      deathReportOpen: await hasOpenDeathReport(ctx.db, person.id),
    },
    reference: {
      enrolled: reference !== undefined,
      photoStored: false,
      photo: null,
      enrolledAt: reference?.enrolled_at ?? null,
      model: reference?.model ?? null,
      note: reference ? REFERENCE_NOTE_ENROLLED : REFERENCE_NOTE_NONE,
    },
    evidence: { framesStored: false, frames: [], note: EVIDENCE_NOTE },
    session: session
      ? {
          sessionId: session.id,
          status: session.status,
          channel: session.channel,
          identityKind: session.identity_kind,
          identityKindLabel: labelOf(IDENTITY_KIND_LABELS, session.identity_kind),
          challenge: session.challenge.split(',').filter((a) => a !== ''),
          createdAt: session.created_at,
          completedAt: session.completed_at,
          ...reasonOf(session.reason_code, completion),
          liveness: livenessView(record, completion),
        }
      : null,
  }
}

/** The hold reason a completion recorded (none before hold reasons were recorded, or a value the service did not write). */
function holdReasonOf(completion: Record<string, unknown> | undefined): ReviewHoldReason | undefined {
  const hold = completion?.holdReason
  return isReviewHoldReason(hold) ? hold : undefined
}

/** The hold reason with its short label, for the queue. */
function holdOf(completion: Record<string, unknown> | undefined): { holdReason: ReviewHoldReason | null; holdReasonLabel: string | null } {
  const hold = holdReasonOf(completion)
  return hold ? { holdReason: hold, holdReasonLabel: REVIEW_HOLD_REASON_SHORT_LABELS[hold] } : { holdReason: null, holdReasonLabel: null }
}

/**
 * Why the record was not decided automatically: the failure's reason code, else the hold reason the
 * completion recorded (completions before hold reasons were recorded have none).
 */
function reasonOf(reasonCode: string | null, completion: Record<string, unknown> | undefined): { reasonCode: string | null; reasonLabel: string | null } {
  if (reasonCode) return { reasonCode, reasonLabel: labelOf(CERT_REASON_LABELS, reasonCode) }
  const hold = holdReasonOf(completion)
  return hold ? { reasonCode: hold, reasonLabel: REVIEW_HOLD_REASON_LABELS[hold] } : { reasonCode: null, reasonLabel: null }
}

/** The liveness verdict: identity verification (and so manual review) only follows a passed replay. */
function livenessView(record: RecordRow, completion: Record<string, unknown> | undefined): NonNullable<ReviewDetail['session']>['liveness'] {
  const num = (x: unknown) => (typeof x === 'number' ? x : null)
  const str = (x: unknown) => (typeof x === 'string' ? x : null)
  const identityFailed = record.result === 'failed' && Object.prototype.hasOwnProperty.call(IDENTITY_FAIL_TEXTS, str(completion?.reasonCode) ?? '')
  const passed = completion ? completion.result !== 'failed' || identityFailed : null
  const parts: string[] = []
  if (passed === true) parts.push('活体检测通过（后台复核动作与时序一致）')
  else if (passed === false) parts.push('活体检测未通过')
  else parts.push('没有找到活体检测记录')
  const similarity = num(completion?.closestEarlierSummary)
  if (similarity !== null) parts.push(`与此人以往认证的动作轨迹最高相似度 ${similarity.toFixed(2)}`)
  const score = num(completion?.identityScore)
  if (score !== null) parts.push(`人脸比对得分 ${score.toFixed(3)}`)
  return { passed, evidence: str(completion?.evidence), identityScore: score, closestEarlierSummary: similarity, summary: parts.join('；') }
}

export function decisionView(record: RecordRow, names: Map<string, string>): ReviewDetail['record']['decision'] {
  if (!record.decided_at || !record.decided_by) return null
  const reason = (REVIEW_REJECT_REASONS as readonly string[]).includes(record.decision_reason ?? '') ? (record.decision_reason as ReviewRejectReason) : null
  return {
    decidedAt: record.decided_at,
    decidedBy: names.get(record.decided_by) ?? record.decided_by,
    reason,
    reasonLabel: reason ? REVIEW_REJECT_REASON_LABELS[reason] : null,
    note: record.decision_note,
  }
}

export type ReviewDecisionInput = { kind: 'approve'; note?: string } | { kind: 'reject'; reason: ReviewRejectReason; note?: string }

/** Beijing time "2026年11月27日 10:05" for a message. */
function whenText(iso: string): string {
  const d = new Date(new Date(iso).getTime() + 8 * 3_600_000)
  const p = (n: number) => String(n).padStart(2, '0')
  return `${d.getUTCFullYear()}年${d.getUTCMonth() + 1}月${d.getUTCDate()}日 ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}`
}

async function alreadyDecided(ctx: ServiceContext, recordId: string): Promise<DomainError> {
  const d = await findDecision(ctx.db, recordId)
  if (!d?.decided_at) return new DomainError('AGENCY_REVIEW_NOT_PENDING')
  const who = d.display_name || d.username || '其他审核员'
  const outcome = d.result === 'passed' ? '通过' : '不通过'
  return new DomainError('AGENCY_REVIEW_ALREADY_DECIDED', { message: `这条认证已由${who}于${whenText(d.decided_at)}审核为“${outcome}”，请刷新列表` })
}

/**
 * Decides a pending record. Returns the answer; the caller queues the result notices
 * (afterRecord) once the transaction has committed.
 */
export async function decideReview(ctx: ServiceContext, actor: AgencyActor, recordId: string, input: ReviewDecisionInput): Promise<DecisionAnswer> {
  const note = input.note ? input.note : null
  if (input.kind === 'reject' && input.reason === 'other' && !note) throw new DomainError('AGENCY_REVIEW_NOTE_REQUIRED', { field: 'note' })
  const found = await findRecordInRegion(ctx.db, actor.regionPrefix, recordId)
  if (!found) throw new DomainError('AGENCY_OUT_OF_SCOPE')
  if (found.record.result !== 'pending_review' || found.record.decided_at) throw await alreadyDecided(ctx, recordId)
  const { record } = found
  const nowIso = ctx.clock().toISOString()
  const result = input.kind === 'approve' ? 'passed' : 'failed'
  const reason = input.kind === 'reject' ? input.reason : null

  const answer = await ctx.db.transaction().execute(async (trx) => {
    const won = await decide(trx, recordId, { result, decidedAt: nowIso, decidedBy: actor.userId, reason, note })
    if (!won) return undefined
    const out: DecisionAnswer = { recordId, result, resultLabel: RECORD_RESULT_LABELS[result], decidedAt: nowIso }
    await appendAudit(trx, {
      at: nowIso,
      actorType: 'agency',
      actorRef: actor.userId,
      action: input.kind === 'approve' ? 'agency.review.approved' : 'agency.review.rejected',
      subjectPersonId: record.person_id,
      detail: { recordId, reason, noted: note !== null, channel: record.channel, performer: record.performed_by },
    })
    if (input.kind === 'approve') {
      // The pass counts from the day the person certified, not the day it was reviewed.
      const pass = await applyPass(trx, ctx, { personId: record.person_id, passDate: shanghaiDate(new Date(record.certified_at)), nowIso })
      out.nextDueDate = firstDayOf(pass.nextDue.dueMonth)
      // As after an automatic pass: a share card that led to this certification has done its job.
      const session = await findSessionOfRecord(trx, recordId)
      if (session?.via === 'share' && session.via_ref) await markShareUsed(trx, session.via_ref, nowIso)
      if (pass.reinstatement) {
        await appendAudit(trx, {
          at: nowIso,
          actorType: 'agency',
          actorRef: actor.userId,
          action: 'benefit.reinstated',
          subjectPersonId: record.person_id,
          detail: reinstatedAuditDetail(recordId, pass.reinstatement),
        })
      }
    }
    return out
  })
  if (!answer) throw await alreadyDecided(ctx, recordId)
  return answer
}
