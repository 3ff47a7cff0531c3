/** The sentences of the 认证查询 page (shown and read aloud). */
import type { StatusQueryView } from '@/core/contracts/family'
import type { ErrorCode } from '@/core/errors'
import { adviceOf, awaitingReview, awaitingReviewNote, deadlineSentence, lastResultText, retryNote, suspendedSinceText } from '@/components/StatusCard/look'

export const QUERY_INTRO = '输入姓名和身份证号，可以查询这个人本年度是否已经认证、最晚什么时候认证。结果里的姓名和身份证号会部分隐藏。'
export const QUERY_LIMITS = '为保护个人信息，每个账号每分钟最多查询 5 次，每天最多查询 20 次。'

export const QUERY_HELP: Partial<Record<ErrorCode, string>> = {
  RATE_LIMITED: `查询太频繁了。${QUERY_LIMITS}请过一会儿再查；如果今天已查满 20 次，请明天再查。`,
  PERSON_NOT_FOUND: '请核对身份证号。如果确认无误，请联系当地社保经办机构。',
  DETAILS_MISMATCH: '请核对姓名和身份证号是否与身份证上的一致。',
}

/** Every sentence the result card shows. Suspended: since when and how payment comes back, not a past date. */
export function resultSpeech(s: StatusQueryView): string {
  const when = s.status === 'overdue_suspended' ? (suspendedSinceText(s.suspendedSince) ?? '') : deadlineSentence(s)
  const last = s.lastResult ? `上次认证：${lastResultText(s.lastResult)}。` : ''
  const retry = s.laterRetry ? retryNote(s.laterRetry) : ''
  const waiting = awaitingReview(s) ? awaitingReviewNote(s.status) : ''
  return `查询结果：${s.person.maskedName}，${s.statusLabel}。${adviceOf(s)}${when ? `${when}。` : ''}险种：${s.person.insuranceLabel}。${last}${waiting}${retry}`
}
