/**
 * One person in a list of people someone certifies for (家人认证's relatives, 单位认证's retirees):
 * a head with the state's glyph in its own shape (never colour alone), the name and the state in
 * words on a tinted band, then the page's own lines and buttons as children (use the
 * `yl-person-card__line` and `yl-person-card__buttons` classes so both lists look and size alike).
 * The test ids and data-* attributes stay the page's own, given as props.
 */
import type { ReactNode } from 'react'
import { Text, View } from '@tarojs/components'
import type { CertStatus } from '@/core/contracts/common'
import { statusLook } from '@/components/StatusCard/look'
import { StatusIcon } from '@/components/StatusIcon'
import './index.scss'

export interface PersonCardTestIds {
  card: string
  icon: string
  name: string
  status: string
}

export interface PersonCardProps {
  status: CertStatus
  name: string
  statusLabel: string
  testIds: PersonCardTestIds
  /** Extra data-* attributes on the card (e.g. data-relative-id), besides data-status. */
  data?: Record<`data-${string}`, string>
  children?: ReactNode
}

export function PersonCard({ status, name, statusLabel, testIds, data, children }: PersonCardProps) {
  const look = statusLook(status)
  return (
    <View className={`yl-person-card yl-person-card--${look.tone}`} data-testid={testIds.card} data-status={status} {...data}>
      <View className='yl-person-card__head'>
        <StatusIcon status={status} size='small' testId={testIds.icon} />
        <View className='yl-person-card__who'>
          <Text className='yl-person-card__name' data-testid={testIds.name}>
            {name}
          </Text>
          <Text className='yl-person-card__state' data-testid={testIds.status}>
            {statusLabel}
          </Text>
        </View>
      </View>
      {children}
    </View>
  )
}

export default PersonCard
