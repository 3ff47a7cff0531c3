import type { CertStatus } from '@/core/contracts/common'
import type { LastResultView } from '@/core/contracts/views'
import { formatChinaDate } from '@/core/dates'

export interface StatusLook {
  /** A glyph that differs per state … */
  icon: '✓' | '!' | '✕'
  /** … inside a shape that differs per state, so neither colour nor glyph alone carries it. */
  shape: 'circle' | 'diamond' | 'square'
  tone: 'success' | 'warning' | 'danger'
  /** One plain sentence on what it means for the person. */
  advice: string
}

/** Said plainly wherever payment is suspended: what happened and how it comes back. */
export const SUSPENDED_ADVICE = '养老金已暂停发放。完成认证后次月恢复发放并补发。'

export const STATUS_LOOKS: Record<CertStatus, StatusLook> = {
  certified: { icon: '✓', shape: 'circle', tone: 'success', advice: '本期已认证，无需重复认证。养老金正常发放。' },
  due: { icon: '!', shape: 'diamond', tone: 'warning', advice: '本期还没有认证，请在截止日期前完成认证。' },
  overdue_suspended: { icon: '✕', shape: 'square', tone: 'danger', advice: SUSPENDED_ADVICE },
}

export function statusLook(status: CertStatus): StatusLook {
  return STATUS_LOOKS[status]
}

/**
 * What tells whether a try waits for 人工审核: the backend's own flag where a view has one (单位认证),
 * else the latest result.
 */
export interface ReviewFacts {
  status: CertStatus
  lastResult?: Pick<LastResultView, 'result'>
  awaitingReview?: boolean
}

/** The due date as people read it: the last day (请在2026年12月31日前完成认证), never a bare month. */
export function deadlineSentence(v: ReviewFacts & { nextDueDeadlineLabel: string }): string {
  if (v.status === 'certified') return `下次请在${v.nextDueDeadlineLabel}前认证`
  // A try waits for review: the deadline as a plain day, not a call to certify again.
  if (v.status === 'due' && awaitingReview(v)) return `本期截止日期：${v.nextDueDeadlineLabel}`
  if (v.status === 'due') return `请在${v.nextDueDeadlineLabel}前完成认证`
  return '请尽快完成认证'
}

/** 2026年9月起暂停发放 (suspendedSince is YYYY-MM-DD, the first day without payment). */
export function suspendedSinceText(suspendedSince: string | undefined): string | undefined {
  const m = suspendedSince ? /^(\d{4})-(\d{2})/.exec(suspendedSince) : null
  return m ? `${Number(m[1])}年${Number(m[2])}月起暂停发放` : undefined
}

/** A try after this cycle's pass that did not pass: a retry that changes nothing, said so. */
export function retryNote(retry: Pick<LastResultView, 'result' | 'certifiedAt'>): string {
  const day = formatChinaDate(retry.certifiedAt)
  return retry.result === 'pending_review'
    ? `本期已认证。${day}又试了一次，正在人工审核，不影响发放。`
    : `本期已认证。${day}又试了一次没有通过，不影响发放。`
}

/**
 * Not yet certified this cycle and the last try waits for 人工审核: nothing to do but wait (another try
 * would only wait beside it). An approval counts from the day of the try.
 */
export const awaitingReview = (v: ReviewFacts): boolean => v.status !== 'certified' && (v.awaitingReview ?? v.lastResult?.result === 'pending_review')

// No 您: the card also shows a relative's status (认证查询).
export const AWAITING_REVIEW_ADVICE = '最近一次认证正在人工审核，不用再认证，请耐心等待。'

/** Under an awaiting try: what an approval will mean (a suspended pension: how it comes back). */
export function awaitingReviewNote(status: CertStatus): string {
  return status === 'overdue_suspended' ? '审核通过后，次月恢复发放并补发。' : '审核通过的，从认证那天算起。'
}

/** The waiting said in one line, where a list shows a person (家人, 单位认证). */
export function awaitingReviewLine(status: CertStatus): string {
  return `${AWAITING_REVIEW_ADVICE}${awaitingReviewNote(status)}`
}

/** The one sentence under the state: what it means and what to do now. */
export function adviceOf(v: ReviewFacts): string {
  return awaitingReview(v) ? AWAITING_REVIEW_ADVICE : statusLook(v.status).advice
}

/** 静默认证 (data comparison) this cycle: said on 首页 and a relative's page so nobody certifies twice. */
export const SILENT_CERTIFIED = '已通过静默认证（数据比对），本期无需刷脸'

/** 您已通过静默认证（数据比对），本期无需刷脸。认证日期：2026年11月27日 (`who`: 您, or a relative's masked name). */
export function silentCertifiedText(silentCertifiedOn: string, who = '您'): string {
  return `${who}${SILENT_CERTIFIED}。认证日期：${formatChinaDate(silentCertifiedOn)}`
}

/**
 * 认证通过，2026年3月15日 — a comma, not brackets: at the largest text （2026年3月15日） cannot break
 * anywhere and is wider than a phone.
 */
export function lastResultText(r: Pick<LastResultView, 'resultLabel' | 'certifiedAt' | 'reviewNote'>): string {
  return `${r.resultLabel}，${formatChinaDate(r.certifiedAt)}${r.reviewNote ? `。${r.reviewNote}` : ''}`
}
