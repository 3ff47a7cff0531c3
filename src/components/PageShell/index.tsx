import type { ReactNode } from 'react'
import { Text, View } from '@tarojs/components'
import { useFontScale } from '@/hooks/useFontScale'
import { SpeakButton } from '../SpeakButton'
import './index.scss'

export interface PageShellProps {
  title: string
  /** What the 朗读 button reads: the page's main text. */
  speech: string
  children: ReactNode
}

/**
 * Every page's frame: the user's font scale as the root CSS variable --yl-scale, a large title, and
 * the 朗读 button.
 */
export function PageShell({ title, speech, children }: PageShellProps) {
  const scale = useFontScale()
  return (
    <View className='yl-page' style={{ '--yl-scale': String(scale) } as Record<string, string>}>
      <View className='yl-page__head'>
        <Text className='yl-page__title'>{title}</Text>
      </View>
      <SpeakButton text={speech} />
      <View className='yl-page__body'>{children}</View>
    </View>
  )
}

export default PageShell
