import { Button } from '@tarojs/components'
import './index.scss'

export interface BigButtonProps {
  label: string
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

/** A full-width, at-least-60-dp-tall button with a plain-words label. */
export function BigButton({ label, onClick, variant = 'primary', size = 'normal', disabled, busy, busyLabel, testId }: BigButtonProps) {
  const text = busy ? (busyLabel ?? '请稍候…') : label
  return (
    <Button
      className={`yl-btn yl-btn--${variant} yl-btn--${size}`}
      disabled={disabled || busy}
      onClick={() => {
        if (!disabled && !busy) onClick?.()
      }}
      data-testid={testId}
    >
      {text}
    </Button>
  )
}

export default BigButton
