import type { StatusView } from '@/core/contracts/views'
import { scamNoticeSentences } from '@/core/scam'
import { REMINDERS } from '@/components/Reminders/texts'
import { adviceOf, awaitingReview, awaitingReviewNote, deadlineSentence, lastResultText, retryNote, silentCertifiedText, suspendedSinceText } from '@/components/StatusCard/look'

/** As phrases for the card's heading (绑定本人 / 社保卡 at 特大). */
export const UNBOUND_TITLE_PHRASES = ['绑定本人', '社保卡'] as const
export const UNBOUND_TITLE = UNBOUND_TITLE_PHRASES.join('')
export const UNBOUND_BODY = '查看本人的认证情况，请先绑定社保卡。只需绑定一次。'
/** A parent who just passed through a share card or a notice must not read 首页 as a failure. */
export const UNBOUND_ALREADY_DONE = '如果您是通过家人分享或通知单完成的认证，结果已经保存，不用绑定也可以。'

/** Certified this cycle, or the last try waits for 人工审核: no big 开始认证, only a small 再认证一次. */
export const nothingToDo = (s: Extract<StatusView, { bound: true }>): boolean => s.status === 'certified' || awaitingReview(s)

/** What the 朗读 button reads on 首页, for each state of the page: every sentence it shows. */
export function homeSpeech(state: { phase: 'loading' } | { phase: 'error'; message: string } | { phase: 'ready'; status: StatusView }): string {
  const tips = `温馨提示：${REMINDERS.join('；')}。`
  const scam = scamNoticeSentences().join('')
  const family = '帮家人认证，请点击家人认证按钮；查询认证情况，请点击认证查询按钮。'
  if (state.phase === 'loading') return '正在读取您的认证信息，请稍候。'
  if (state.phase === 'error') return `${state.message}。请点击重试按钮。`
  const s = state.status
  if (!s.bound) return `${UNBOUND_TITLE}。${UNBOUND_BODY}${UNBOUND_ALREADY_DONE}请点击绑定社保卡按钮。${family}${scam}${tips}`
  const certified = s.status === 'certified'
  const suspended = s.status === 'overdue_suspended'
  return [
    `${s.person.maskedName}，您好。`,
    `认证状态：${s.statusLabel}。${adviceOf(s)}`,
    suspended ? `${suspendedSinceText(s.suspendedSince) ?? ''}。` : `${deadlineSentence(s)}。`,
    `险种：${s.person.insuranceLabel}。`,
    s.lastResult ? `上次认证：${lastResultText(s.lastResult)}。` : '',
    s.laterRetry ? retryNote(s.laterRetry) : '',
    s.silentCertifiedOn ? `${silentCertifiedText(s.silentCertifiedOn)}。` : '',
    awaitingReview(s) ? awaitingReviewNote(s.status) : certified ? '如果还想再认证一次，可以点击再认证一次按钮。' : '请点击开始认证按钮。',
    family,
    scam,
    tips,
  ].join('')
}
