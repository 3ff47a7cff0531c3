/** What the result page shows and says for a completion answer. Pure. */
import type { CertificationResultView } from '@/core/contracts/certification'
import {
  APPEAL_ADVICE,
  OFFLINE_WAYS,
  OFFLINE_WAYS_TITLE,
  PENDING_REVIEW_BODY,
  PENDING_REVIEW_BODY_UNBOUND,
  speechOf,
} from './texts'
import type { CertSubject } from './subject'

/** From this many failures in a day the page offers 我要申诉 and the offline ways. */
export const APPEAL_AFTER_FAILURES = 3

/** Where 查看认证记录 leads: the caller's own records, the 家人's, or nowhere (no binding needed). */
export type RecordsLink = { kind: 'self' } | { kind: 'relative'; relativeId: string } | { kind: 'none' }

export interface ResultViewModel {
  tone: 'success' | 'warning' | 'danger'
  /** ✓ / … / ✕: the state never by colour alone. */
  mark: string
  title: string
  lines: string[]
  showRetry: boolean
  showAppeal: boolean
  /** With showAppeal: the other ways to certify (under OFFLINE_WAYS_TITLE). */
  offlineWays: readonly string[]
  records: RecordsLink
  /** 认证到期前提醒我 makes sense only to someone whose reminders this app sends (bound or 家人). */
  showSubscribe: boolean
  /** Every sentence of the result and appeal blocks, in the order shown: what is read aloud. */
  spoken: string[]
  /** The same content as recorded sentences, for a platform that can only play clips (weapp). */
  clips: string[]
  speech: string
}

function recordsLink(r: CertificationResultView, subject: CertSubject): RecordsLink {
  const relativeId = r.relativeId ?? (subject.kind === 'relative' ? subject.relativeId : undefined)
  const of = r.recordsOf ?? (subject.kind === 'relative' ? 'relative' : subject.kind === 'self' ? 'self' : 'none')
  if (of === 'relative' && relativeId) return { kind: 'relative', relativeId }
  return of === 'self' ? { kind: 'self' } : { kind: 'none' }
}

/** 请在2027年11月30日前完成 (or the month, from an answer stored before the deadline existed). */
function nextDueLine(r: CertificationResultView): string | null {
  if (r.nextDueDeadlineLabel) return `下次认证：请在${r.nextDueDeadlineLabel}前完成`
  if (r.nextDueMonthLabel) return `下次认证日期：${r.nextDueMonthLabel}`
  return null
}

function savedLine(records: RecordsLink): string {
  switch (records.kind) {
    case 'self':
      return '记录已保存，可以在“认证记录”里查看。'
    case 'relative':
      return '记录已保存，可以点下面的“查看家人的认证记录”。'
    case 'none':
      return '认证已经完成，记录已保存，您不用再做别的事。'
  }
}

function build(
  base: Pick<ResultViewModel, 'tone' | 'mark' | 'title' | 'lines' | 'showRetry' | 'records'> & { appeal?: boolean; clips: (string | undefined)[] },
): ResultViewModel {
  const appeal = base.appeal === true
  const offlineWays = appeal ? OFFLINE_WAYS : []
  const spoken = [base.title, ...base.lines, ...(appeal ? [OFFLINE_WAYS_TITLE, ...OFFLINE_WAYS] : [])]
  return {
    tone: base.tone,
    mark: base.mark,
    title: base.title,
    lines: base.lines,
    showRetry: base.showRetry,
    showAppeal: appeal,
    offlineWays,
    records: base.records,
    showSubscribe: base.records.kind !== 'none',
    spoken,
    clips: base.clips.filter((c): c is string => !!c),
    speech: speechOf(spoken),
  }
}

export function resultViewModel(r: CertificationResultView, subject: CertSubject = { kind: 'self' }): ResultViewModel {
  const records = recordsLink(r, subject)
  const who = r.maskedName ? [`姓名：${r.maskedName}`] : []
  const due = nextDueLine(r)

  if (r.result === 'passed') {
    const lines = [...who]
    if (due) lines.push(due)
    if (r.reinstatement) {
      const n = r.reinstatement.backPaidMonths
      lines.push(
        n > 0
          ? `养老金将从${r.reinstatement.resumeMonthLabel}起恢复发放（次月恢复发放），并补发 ${n} 个月。`
          : `养老金将从${r.reinstatement.resumeMonthLabel}起恢复发放（次月恢复发放）。`,
      )
    } else if (records.kind === 'none') lines.push('养老金照常发放。')
    lines.push(savedLine(records))
    return build({ tone: 'success', mark: '✓', title: '认证通过', lines, showRetry: false, records, clips: ['认证通过，记录已保存'] })
  }

  if (r.result === 'pending_review') {
    const lines = [...who, records.kind === 'none' ? PENDING_REVIEW_BODY_UNBOUND : PENDING_REVIEW_BODY]
    if (records.kind !== 'none') lines.push('记录已保存。')
    return build({ tone: 'warning', mark: '…', title: '人工审核中', lines, showRetry: false, records, clips: [] })
  }

  if (r.alreadyCertified) {
    // A voluntary retry: this attempt did not pass, but the certification of this cycle stands.
    const person = records.kind === 'relative' ? (r.maskedName ?? '您的家人') : '您'
    const lines = [...who, `这次没有通过，但${person}本期已经认证过，养老金照常发放，不用再做。`]
    if (due) lines.push(due)
    return build({ tone: 'success', mark: '✓', title: '本期已认证', lines, showRetry: false, records, clips: [] })
  }

  const reason = r.reasonText || '这次认证没有通过，请再试一次。'
  const appeal = r.failuresToday >= APPEAL_AFTER_FAILURES
  // "没有检测到动作：请本人面对镜头，按提示做动作": what happened, then what to do, on lines of their own.
  const colon = reason.indexOf('：')
  const lines = [...who, ...(colon > 0 && colon < reason.length - 1 ? [`原因：${reason.slice(0, colon)}`, reason.slice(colon + 1)] : [`原因：${reason}`])]
  if (appeal) lines.push(`今天已经有 ${r.failuresToday} 次没有通过。`, `${APPEAL_ADVICE}。`)
  return build({
    tone: 'danger',
    mark: '✕',
    title: '认证未通过',
    lines,
    showRetry: true,
    records,
    appeal,
    clips: ['认证未通过', r.reasonText, appeal ? APPEAL_ADVICE : undefined],
  })
}
