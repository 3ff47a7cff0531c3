/** Rows → the masked views the mini-program shows (src/core/contracts/views.ts). */
import {
  PERFORMER_LABELS,
  RECORD_CHANNEL_LABELS,
  RECORD_METHOD_LABELS,
  RECORD_RESULT_LABELS,
} from '../../src/core/contracts/common'
import { REJECTED_NEXT_STEP, REVIEW_REJECT_REASON_LABELS, type ReviewRejectReason } from '../../src/core/contracts/agency/review'
import { sessionStateOf, type SessionState } from '../../src/core/contracts/certification'
import type { MaskedPerson, RecordView } from '../../src/core/contracts/views'
import { INSURANCE_LABELS } from '../../src/core/insurance'
import type { RecordRow } from '../repositories/records'
import type { SessionRow } from '../repositories/sessions'
import type { PersonRow } from '../repositories/types'

export function maskedPerson(p: PersonRow): MaskedPerson {
  return {
    maskedName: p.name_masked,
    maskedIdNumber: p.id_number_masked,
    insuranceType: p.insurance_type,
    insuranceLabel: INSURANCE_LABELS[p.insurance_type],
  }
}

/** 审核未通过：<reason>。请重新刷脸认证或到社保经办机构办理 — for a record an agency reviewer rejected. */
export function reviewNoteOf(r: Pick<RecordRow, 'result' | 'decided_at' | 'decision_reason'>): string | undefined {
  if (r.result !== 'failed' || !r.decided_at) return undefined
  const reason = REVIEW_REJECT_REASON_LABELS[r.decision_reason as ReviewRejectReason]
  return `审核未通过${reason && r.decision_reason !== 'other' ? `：${reason}` : ''}。${REJECTED_NEXT_STEP}`
}

/** What every view of a record says about it (the mini-program's records, the console's history and review). */
export function recordFacts(r: Pick<RecordRow, 'certified_at' | 'result' | 'method' | 'channel' | 'performed_by'>) {
  return {
    certifiedAt: r.certified_at,
    result: r.result,
    resultLabel: RECORD_RESULT_LABELS[r.result],
    method: r.method,
    methodLabel: RECORD_METHOD_LABELS[r.method],
    channel: r.channel,
    channelLabel: RECORD_CHANNEL_LABELS[r.channel],
    performedBy: r.performed_by,
  }
}

export function recordView(r: RecordRow): RecordView {
  const reviewNote = reviewNoteOf(r)
  return {
    ...(reviewNote ? { reviewNote } : {}),
    id: r.id,
    ...recordFacts(r),
    performedByLabel: PERFORMER_LABELS[r.performed_by],
  }
}

/** Where a stored session stands (sessionStateOf on its row's columns). */
export function sessionStateOfRow(s: Pick<SessionRow, 'status' | 'reason_code' | 'rejected_code' | 'expires_at'>, nowMs: number): SessionState {
  return sessionStateOf({ status: s.status, reasonCode: s.reason_code, rejectedCode: s.rejected_code, expiresAt: s.expires_at }, nowMs)
}
