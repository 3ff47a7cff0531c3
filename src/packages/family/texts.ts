/** Every sentence of the 家人 pages (shown and read aloud), and the little view logic behind them. */
import { RELATION_LABELS, RELATIONS, type Relation, type RelativeView } from '@/core/contracts/family'
import type { ErrorCode } from '@/core/errors'
import { awaitingReview, awaitingReviewLine, deadlineSentence, lastResultText, retryNote, silentCertifiedText, statusLook, SUSPENDED_ADVICE, suspendedSinceText } from '@/components/StatusCard/look'
import { formatChinaDate } from '@/core/dates'

export const RELATION_CHOICES: ReadonlyArray<{ value: Relation; label: string }> = RELATIONS.map((r) => ({ value: r, label: RELATION_LABELS[r] }))

export const FAMILY_INTRO = '添加家人后，可以看到家人的认证日期和状态；可以用您的手机帮家人认证，也可以把认证发给家人，让家人在自己的手机上认证。'

export const ADD_INTRO = '请填写家人的姓名和身份证号，并选择家人与您的关系。我们会和参保登记信息核对，核对后只显示遮挡后的姓名。'

export const REMOVE_CONFIRM_BODY = '移除后，这位家人不再显示在列表里，您发出的分享链接也会失效。以后还可以重新添加。'

export const SHARE_INTRO = '把认证发给家人，家人在自己的手机上打开，按提示刷脸，就能完成认证。认证通过后，您的家人列表会马上显示“已认证”。'

/** Said with every card: the parent will see the same words on the card and on the landing page. */
export const SHARE_SAFETY = '发出的卡片上会写明：认证免费，社保不会要银行卡号、密码、验证码。请告诉家人，谁要这些就是骗子。'

/** Extra words for refusals a person can act on. */
export const ERROR_HELP: Partial<Record<ErrorCode, string>> = {
  RATE_LIMITED: '为保护个人信息，核对不成功的次数太多时，请等 10 分钟再试；一天里添加家人太多时，请明天再试。',
  RELATIVES_LIMIT: '可以先在家人列表里点“移除”，再添加新的家人。',
  PERSON_NOT_FOUND: '请核对身份证号。如果确认无误，请联系当地社保经办机构。',
  DETAILS_MISMATCH: '请核对姓名和身份证号是否与身份证上的一致。',
}

/** One line per relative: 李*国（父亲）. */
export function relativeTitle(r: Pick<RelativeView, 'maskedName' | 'relationLabel'>): string {
  return `${r.maskedName}（${r.relationLabel}）`
}

/** The deadline as a day; suspended: since when and how payment comes back, not a past date. */
export function relativeDeadline(r: Pick<RelativeView, 'status' | 'nextDueDeadlineLabel' | 'suspendedSince' | 'lastResult'>): string {
  if (r.status === 'overdue_suspended') return `${suspendedSinceText(r.suspendedSince) ?? '已暂停发放'}。${SUSPENDED_ADVICE.replace(/^养老金已暂停发放。/, '')}`
  return deadlineSentence(r)
}

export function relativeLines(r: RelativeView): string[] {
  const lines = [relativeDeadline(r), `状态：${statusLook(r.status).icon} ${r.statusLabel}`]
  if (r.lastResult) lines.push(`上次认证：${lastResultText(r.lastResult)}`)
  if (awaitingReview(r)) lines.push(awaitingReviewLine(r.status))
  if (r.laterRetry) lines.push(retryNote(r.laterRetry))
  if (r.silentCertifiedOn) lines.push(silentCertifiedText(r.silentCertifiedOn, r.maskedName))
  if (r.shareActiveUntil) lines.push(`已发给TA，链接 ${formatChinaDate(r.shareActiveUntil)} 前有效`)
  return lines
}

export function listSpeech(relatives: readonly RelativeView[], max: number): string {
  if (relatives.length === 0) return `您还没有添加家人。${FAMILY_INTRO}请点击添加家人按钮。`
  const each = relatives.map((r) => `${relativeTitle(r)}，${r.statusLabel}，${relativeDeadline(r).replace(/。$/, '')}${r.silentCertifiedOn ? `，${silentCertifiedText(r.silentCertifiedOn, '')}` : ''}`).join('；')
  return `您已添加 ${relatives.length} 位家人，最多 ${max} 位。${each}。要帮家人认证，请点击帮TA认证；要让家人自己认证，请点击发给TA自己认证；要看家人的认证记录，请点击认证记录。`
}
