import { Phrases, phrasedText, type PhrasedText } from '../Phrases'
import { Pressable } from './Pressable'
import './index.scss'

export interface BigButtonProps {
  /**
   * The words on it. A long label may be given as its phrases (['返回', '家人列表']): at 特大 it then
   * wraps between them, never inside a word (返回家 / 人列表). A label with spaces (我要申诉 / 申请上门认证)
   * wraps at its spaces only.
   */
  label: PhrasedText
  onClick?: () => void
  /** primary: filled; secondary: outlined; danger: outlined in red with words saying what happens. */
  variant?: 'primary' | 'secondary' | 'danger'
  /** main: the page's one main action (≥ 30 dp text, ≥ 60 dp tall). */
  size?: 'main' | 'normal'
  disabled?: boolean
  /** Shown instead of the label while busy (words, not a spinner only). */
  busyLabel?: string
  busy?: boolean
  testId?: string
}

/**
 * A full-width, at-least-60-dp-tall button with a plain-words label. It looks disabled only through
 * the yl-btn--disabled class, set when it really is disabled or busy (never from an attribute's
 * mere presence: Taro's H5 button carries disabled="false").
 */
export function BigButton({ label, onClick, variant = 'primary', size = 'normal', disabled, busy, busyLabel, testId }: BigButtonProps) {
  const text = busy ? (busyLabel ?? '请稍候…') : label
  const inactive = Boolean(disabled || busy)
  const spaced = typeof text === 'string' && text.includes(' ')
  return (
    <Pressable
      className={`yl-btn yl-btn--${variant} yl-btn--${size}${inactive ? ' yl-btn--disabled' : ''}${spaced ? ' yl-btn--phrases' : ''}`}
      disabled={inactive}
      onPress={onClick}
      testId={testId}
      // (named by the whole label: a screen reader would otherwise hear a pause between the phrases)
      label={typeof text === 'string' ? undefined : phrasedText(text)}
    >
      <Phrases text={text} />
    </Pressable>
  )
}

export { Pressable } from './Pressable'
export default BigButton
