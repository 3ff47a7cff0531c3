/** What the result page says for a completion answer. Pure. */
import type { CertificationResultView } from '@/core/contracts/certification'
import { APPEAL_SOON, OFFLINE_WAYS, PENDING_REVIEW_BODY, speechOf } from './texts'

/** From this many failures in a day the page offers 我要申诉 and the offline ways. */
export const APPEAL_AFTER_FAILURES = 3

export interface ResultViewModel {
  tone: 'success' | 'warning' | 'danger'
  /** ✓ / … / ✕: the state never by colour alone. */
  mark: string
  title: string
  lines: string[]
  showRetry: boolean
  showAppeal: boolean
  offlineWays: readonly string[]
  speech: string
}

export function resultViewModel(r: CertificationResultView): ResultViewModel {
  if (r.result === 'passed') {
    const lines: string[] = []
    if (r.nextDueMonthLabel) lines.push(`下次认证日期：${r.nextDueMonthLabel}`)
    lines.push('记录已保存，可以在“认证记录”里查看。')
    if (r.reinstatement) {
      const n = r.reinstatement.backPaidMonths
      lines.push(
        n > 0
          ? `养老金将从${r.reinstatement.resumeMonthLabel}起恢复发放（次月恢复发放），并补发 ${n} 个月。`
          : `养老金将从${r.reinstatement.resumeMonthLabel}起恢复发放（次月恢复发放）。`,
      )
    }
    return { tone: 'success', mark: '✓', title: '认证通过', lines, showRetry: false, showAppeal: false, offlineWays: [], speech: speechOf(['认证通过', lines]) }
  }
  if (r.result === 'pending_review') {
    const lines = [PENDING_REVIEW_BODY, '记录已保存。']
    return { tone: 'warning', mark: '…', title: '人工审核中', lines, showRetry: false, showAppeal: false, offlineWays: [], speech: speechOf(['人工审核中', lines]) }
  }
  const reason = r.reasonText || '这次认证没有通过，请再试一次。'
  const appeal = r.failuresToday >= APPEAL_AFTER_FAILURES
  // "没有检测到动作：请本人面对镜头，按提示做动作": what happened, then what to do, on lines of their own.
  const colon = reason.indexOf('：')
  const lines = colon > 0 && colon < reason.length - 1 ? [`原因：${reason.slice(0, colon)}`, reason.slice(colon + 1)] : [`原因：${reason}`]
  if (appeal) lines.push(`今天已经有 ${r.failuresToday} 次没有通过。如果多次不成功，可以申诉，或者换一种方式认证。`)
  return {
    tone: 'danger',
    mark: '✕',
    title: '认证未通过',
    lines,
    showRetry: true,
    showAppeal: appeal,
    offlineWays: appeal ? OFFLINE_WAYS : [],
    speech: speechOf(['认证未通过', lines, appeal ? [APPEAL_SOON, '也可以', ...OFFLINE_WAYS] : []]),
  }
}
