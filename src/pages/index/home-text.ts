import type { StatusView } from '@/core/contracts/views'
import { REMINDERS } from '@/components/Reminders/texts'
import { statusLook } from '@/components/StatusCard/look'

/** What the 朗读 button reads on 首页, for each state of the page. */
export function homeSpeech(state: { phase: 'loading' } | { phase: 'error'; message: string } | { phase: 'ready'; status: StatusView }): string {
  const tips = `温馨提示：${REMINDERS.join('；')}。`
  const family = '帮家人认证，请点击家人认证按钮；查询认证情况，请点击认证查询按钮。'
  if (state.phase === 'loading') return '正在读取您的认证信息，请稍候。'
  if (state.phase === 'error') return `${state.message}。请点击重试按钮。`
  const s = state.status
  if (!s.bound) return `您还没有绑定社保卡。请点击绑定社保卡按钮。${family}${tips}`
  return [
    `${s.person.maskedName}，您好。`,
    `险种：${s.person.insuranceLabel}。`,
    `认证状态：${s.statusLabel}。${statusLook(s.status).advice}`,
    `下次认证日期：${s.nextDueMonthLabel}。`,
    '如需认证，请点击开始认证按钮。',
    family,
    tips,
  ].join('')
}
