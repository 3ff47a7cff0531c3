import { Text, View } from '@tarojs/components'
import type { StatusView } from '@/core/contracts/views'
import { KeepDates } from '@/components/KeepDates'
import { StatusIcon } from '@/components/StatusIcon'
import { adviceOf, awaitingReview, awaitingReviewNote, deadlineSentence, lastResultText, retryNote, silentCertifiedText, statusLook, suspendedSinceText } from './look'
import './index.scss'

export type BoundStatus = Extract<StatusView, { bound: true }>

function Row({ label, value, testId }: { label: string; value: string; testId?: string }) {
  return (
    <View className='yl-status__row'>
      <Text className='yl-status__key'>{label}</Text>
      <Text className='yl-status__value' data-testid={testId}>
        <KeepDates text={value} />
      </Text>
    </View>
  )
}

/**
 * 姓名 (masked), 险种, the deadline as a day and 状态 — the state in words with its own icon and shape.
 * Suspended: since when and how payment comes back, not a past date. A failed retry after this
 * cycle's pass is told apart from the pass, which stays 上次认证.
 */
export function StatusCard({ status }: { status: BoundStatus }) {
  const look = statusLook(status.status)
  const suspended = status.status === 'overdue_suspended'
  return (
    <View className={`yl-status yl-status--${look.tone}`} data-testid='status-card' data-status={status.status}>
      <View className='yl-status__state'>
        <StatusIcon status={status.status} testId='status-icon' />
        <View className='yl-status__state-text'>
          <Text className='yl-status__state-label' data-testid='status-label'>
            {status.statusLabel}
          </Text>
          <Text className='yl-status__advice' data-testid='status-advice'>
            <KeepDates text={adviceOf(status)} />
          </Text>
        </View>
      </View>
      <Row label='姓名' value={status.person.maskedName} testId='status-name' />
      <Row label='险种' value={status.person.insuranceLabel} testId='status-insurance' />
      {suspended ? (
        <Row label='发放情况' value={suspendedSinceText(status.suspendedSince) ?? '已暂停发放'} testId='status-suspended' />
      ) : (
        <Row label='认证期限' value={deadlineSentence(status)} testId='status-next-due' />
      )}
      <Row label='状态' value={`${look.icon} ${status.statusLabel}`} />
      {status.lastResult ? (
        <Row
          label='上次认证'
          value={lastResultText(status.lastResult)}
          testId='status-last'
        />
      ) : null}
      {awaitingReview(status) ? (
        <Text className='yl-status__note' data-testid='status-awaiting-review'>
          {awaitingReviewNote(status.status)}
        </Text>
      ) : null}
      {status.silentCertifiedOn ? (
        <Text className='yl-status__note' data-testid='status-silent'>
          <KeepDates text={silentCertifiedText(status.silentCertifiedOn)} />
        </Text>
      ) : null}
      {status.laterRetry ? (
        <Text className='yl-status__note' data-testid='status-retry'>
          <KeepDates text={retryNote(status.laterRetry)} />
        </Text>
      ) : null}
    </View>
  )
}

export default StatusCard
