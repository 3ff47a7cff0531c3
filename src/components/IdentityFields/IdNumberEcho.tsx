import { Text, View } from '@tarojs/components'
import { idNumberParts } from '@/core/id-number'

/**
 * The ID number typed so far, read back in its parts under the box (地区 6 位, 出生日期 8 位, 最后 4 位).
 * At 特大 the box shows only part of an 18-digit number; here all of it stays in view. It is what the
 * person typed, on their own screen, like the box above it: nothing stored is shown.
 */
export function IdNumberEcho({ value }: { value: string }) {
  const parts = idNumberParts(value)
  if (parts.length === 0) return null
  return (
    <View className='yl-id-echo' data-testid='id-echo'>
      <Text className='yl-id-echo__label'>您输入的是：</Text>
      {parts.map((part, i) => (
        <Text key={i} className='yl-id-echo__part'>
          {part}
        </Text>
      ))}
    </View>
  )
}
