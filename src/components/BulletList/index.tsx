import { Text, View } from '@tarojs/components'
import './index.scss'

export interface BulletListProps {
  items: readonly string[]
  /** The container's own class (its box, spacing and type size). */
  className?: string
  testId?: string
}

/**
 * Short lines each behind a dot. A line that wraps continues under its own first character, not under
 * the dot: at 特大 most lines wrap, and text running back under the dot reads as a new line.
 */
export function BulletList({ items, className, testId }: BulletListProps) {
  return (
    <View className={className ? `yl-bullets ${className}` : 'yl-bullets'} data-testid={testId}>
      {items.map((item) => (
        <View className='yl-bullets__item' key={item}>
          <Text className='yl-bullets__dot'>·</Text>
          <Text className='yl-bullets__text'>{item}</Text>
        </View>
      ))}
    </View>
  )
}

export default BulletList
