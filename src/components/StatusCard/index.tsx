import { Text, View } from '@tarojs/components'
import type { StatusView } from '@/core/contracts/views'
import { formatChinaDate } from '@/services/format'
import { StatusIcon } from '@/components/StatusIcon'
import { statusLook } from './look'
import './index.scss'

export type BoundStatus = Extract<StatusView, { bound: true }>

function Row({ label, value, testId }: { label: string; value: string; testId?: string }) {
  return (
    <View className='yl-status__row'>
      <Text className='yl-status__key'>{label}</Text>
      <Text className='yl-status__value' data-testid={testId}>
        {value}
      </Text>
    </View>
  )
}

/** 姓名 (masked), 险种, 下次认证日期 and 状态 — the state in words with its own icon and shape. */
export function StatusCard({ status }: { status: BoundStatus }) {
  const look = statusLook(status.status)
  return (
    <View className={`yl-status yl-status--${look.tone}`} data-testid='status-card' data-status={status.status}>
      <View className='yl-status__state'>
        <StatusIcon status={status.status} testId='status-icon' />
        <View className='yl-status__state-text'>
          <Text className='yl-status__state-label' data-testid='status-label'>
            {status.statusLabel}
          </Text>
          <Text className='yl-status__advice'>{look.advice}</Text>
        </View>
      </View>
      <Row label='姓名' value={status.person.maskedName} testId='status-name' />
      <Row label='险种' value={status.person.insuranceLabel} testId='status-insurance' />
      <Row label='下次认证日期' value={status.nextDueMonthLabel} testId='status-next-due' />
      <Row label='状态' value={`${look.icon} ${status.statusLabel}`} />
      {status.lastResult ? (
        <Row
          label='上次认证'
          value={`${status.lastResult.resultLabel}（${formatChinaDate(status.lastResult.certifiedAt)}）`}
          testId='status-last'
        />
      ) : null}
    </View>
  )
}

export default StatusCard
