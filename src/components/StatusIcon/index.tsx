import { Text, View } from '@tarojs/components'
import type { CertStatus } from '@/core/contracts/common'
import { statusLook } from '@/components/StatusCard/look'
import './index.scss'

export interface StatusIconProps {
  status: CertStatus
  /** small: inside a list entry; normal: the 首页 status card. */
  size?: 'normal' | 'small'
  testId?: string
}

/** The state's glyph (✓ ! ✕) inside its own shape (circle, diamond, square): never colour alone. */
export function StatusIcon({ status, size = 'normal', testId }: StatusIconProps) {
  const look = statusLook(status)
  return (
    <View className={`yl-status-icon yl-status-icon--${look.shape} yl-status-icon--${size}`} data-testid={testId} data-shape={look.shape}>
      <Text className='yl-status-icon__glyph'>{look.icon}</Text>
    </View>
  )
}

export default StatusIcon
