/** Every sentence of the 单位认证 page (shown and read aloud), and the little view logic behind it. */
import type { UnitMemberView, UnitMembersView } from '@/core/contracts/unit-admin'
import { awaitingReview, awaitingReviewLine, deadlineSentence, SUSPENDED_ADVICE, suspendedSinceText } from '@/components/StatusCard/look'

export const CLAIM_INTRO = '单位专管员请输入社保经办机构给您的 8 位邀请码。邀请码只能用一次，输入后，这部手机就可以帮本单位的退休人员认证。'

export const HELP_LINE = '认证时，请老人本人对着摄像头做动作，您帮忙拿手机。认证免费，不要向老人要银行卡号、密码或验证码。'

/** The deadline line of a member: the deadline as a day; suspended: since when and how payment comes back. */
export function memberDeadline(m: Pick<UnitMemberView, 'status' | 'nextDueDeadlineLabel' | 'suspendedSince' | 'awaitingReview'>): string {
  if (m.status === 'overdue_suspended') return `${suspendedSinceText(m.suspendedSince) ?? '已暂停发放'}。${awaitingReview(m) ? '' : SUSPENDED_ADVICE.replace(/^养老金已暂停发放。/, '')}`
  return deadlineSentence(m)
}

/** Someone to help now: not certified, and no try waiting for review. */
export const needsHelp = (m: Pick<UnitMemberView, 'status' | 'awaitingReview'>): boolean => m.status !== 'certified' && !awaitingReview(m)

export function unitHeadLines(v: Pick<UnitMembersView, 'unitName' | 'expiresLabel' | 'total' | 'members'>): string[] {
  const lines = [`单位：${v.unitName}`, `您的专管员任命到 ${v.expiresLabel}`]
  const urgent = v.members.filter(needsHelp).length
  const waiting = v.members.filter(awaitingReview).length
  const counts = [
    urgent > 0 ? `其中 ${urgent} 位需要认证，已排在前面` : '',
    waiting > 0 ? `${waiting} 位的认证正在人工审核，不用再认证` : '',
  ].filter(Boolean)
  lines.push(counts.length > 0 ? `共 ${v.total} 位退休人员，${counts.join('，')}。` : `共 ${v.total} 位退休人员，都已认证。`)
  if (v.members.length < v.total) lines.push(`这里列出前 ${v.members.length} 位，其余的请联系社保经办机构。`)
  return lines
}

export function unitSpeech(v: UnitMembersView): string {
  const head = unitHeadLines(v).join('')
  const each = v.members
    .filter((m) => m.status !== 'certified')
    .map((m) => `${m.maskedName}，${m.statusLabel}，${memberDeadline(m).replace(/。$/, '')}${awaitingReview(m) ? `，${awaitingReviewLine(m.status).replace(/。$/, '')}` : ''}`)
    .join('；')
  return `${head}${each ? `${each}。` : ''}要帮一位老人认证，请点他名字下面的帮TA认证按钮。${HELP_LINE}`
}
