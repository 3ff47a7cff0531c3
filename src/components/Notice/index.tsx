import type { ReactNode } from 'react'
import { Text, View } from '@tarojs/components'
import { Phrases, type PhrasedText } from '../Phrases'
import './index.scss'

/** info: ℹ in a circle; success: ✓; warning: ! (a caution, e.g. 谨防诈骗); the words say the rest. */
export type NoticeTone = 'info' | 'success' | 'warning'

export interface NoticeProps {
  tone?: NoticeTone
  /** Its heading; a long one as its phrases, to wrap between them at 特大 (Phrases). */
  title: PhrasedText
  children?: ReactNode
  testId?: string
}

const NOTICE_ICONS = { info: 'i', success: '✓', warning: '!' } as const

/** A calm card with a heading and text: empty states, "under construction", "bound". */
export function Notice({ tone = 'info', title, children, testId }: NoticeProps) {
  return (
    <View className={`yl-notice yl-notice--${tone}`} data-testid={testId}>
      <View className='yl-notice__head'>
        {/* The title says it in words; a screen reader need not read a lone "i" first. */}
        <Text className='yl-notice__icon' aria-hidden='true'>
          {NOTICE_ICONS[tone]}
        </Text>
        <Text className='yl-notice__title'>
          <Phrases text={title} />
        </Text>
      </View>
      {children ? <View className='yl-notice__body'>{children}</View> : null}
    </View>
  )
}

export default Notice
