import { Text } from '@tarojs/components'
import './index.scss'

/** Words on a button or a title: one string, or the phrases a long one may wrap between. */
export type PhrasedText = string | readonly string[]

/** The whole text, for a name or for speech. */
export function phrasedText(text: PhrasedText): string {
  return typeof text === 'string' ? text : text.join('')
}

/**
 * Text that may need two lines at 特大. Given as phrases (['认证到期前', '提醒我']) it wraps between them,
 * never inside a word (认证到期前提 / 醒我); a phrase is broken only if it alone is wider than the line.
 * The text content is the whole text, unchanged.
 */
export function Phrases({ text }: { text: PhrasedText }) {
  if (typeof text === 'string') return <>{text}</>
  return (
    <Text className='yl-phrases'>
      {text.map((phrase, i) => (
        <Text key={i} className='yl-phrases__one'>
          {phrase}
        </Text>
      ))}
    </Text>
  )
}

export default Phrases
