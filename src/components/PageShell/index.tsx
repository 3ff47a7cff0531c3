import type { ReactNode } from 'react'
import { Text, View } from '@tarojs/components'
import { useFontScale } from '@/hooks/useFontScale'
import { FontSizeChoice } from '../FontSizeChoice'
import { Phrases, type PhrasedText } from '../Phrases'
import { SpeakButton } from '../SpeakButton'
import './index.scss'

export interface PageShellProps {
  /** A long one as its phrases, to wrap between them at 特大 (Phrases). */
  title: PhrasedText
  /** What the 朗读 button reads: the page's main text. */
  speech: string
  /** Show the 字号 choice under the title (首页 only; every page follows it). */
  fontSizeChoice?: boolean
  children: ReactNode
}

/**
 * Every page's frame: the font scale (WeChat's setting or the 字号 choice, and a new choice at
 * once) as the root CSS variable --yl-scale, a large title, and the 朗读 button.
 */
export function PageShell({ title, speech, fontSizeChoice, children }: PageShellProps) {
  const scale = useFontScale()
  return (
    // H5 screen readers: the page is the main landmark and its title the level-1 heading (Taro keeps
    // earlier pages in the document, but hidden, so only the visible page counts).
    <View className='yl-page' role='main' style={{ '--yl-scale': String(scale) } as Record<string, string>} data-scale={String(scale)}>
      <View className='yl-page__head' role='heading' aria-level='1'>
        <Text className='yl-page__title'>
          <Phrases text={title} />
        </Text>
      </View>
      {fontSizeChoice ? <FontSizeChoice /> : null}
      <SpeakButton text={speech} />
      <View className='yl-page__body'>{children}</View>
    </View>
  )
}

export default PageShell
