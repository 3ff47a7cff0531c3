import type { ReactNode } from 'react'
import { Button } from '@tarojs/components'
import { currentPlatform } from '@/services/platform'

export interface PressableProps {
  className: string
  onPress?: () => void
  /** Not operable now (also while busy). The caller adds its own --disabled class for the look. */
  disabled?: boolean
  /** radio: one choice of a group (ChoiceGroup, FontSizeChoice); `checked` says if it is the chosen one. */
  role?: 'button' | 'radio'
  checked?: boolean
  /** Accessible name, when the visible content carries marks (○ ● 已选) a screen reader should not read. */
  label?: string
  testId?: string
  /** H5 only (weapp has no keyboard): e.g. arrow keys moving through a radiogroup. */
  onKeyDown?: (e: { key: string; currentTarget: unknown; preventDefault(): void }) => void
  /** Extra data-* attributes, e.g. { 'data-selected': 'true' }. */
  data?: Record<`data-${string}`, string>
  children: ReactNode
}

/**
 * The one tappable element behind every button in the shared components.
 *
 * H5: a real <button>. Taro's H5 <Button> is a custom element that is not focusable, not exposed
 * as a button and carries disabled="false" (which attribute selectors read as disabled). A native
 * button gets Tab focus and Enter/Space activation from the browser itself. When disabled it stays
 * focusable (aria-disabled) so a screen reader can still find it and read why nothing happens.
 * weapp: Taro's <Button> (WeChat's native button, which its screen reader already reads as one).
 */
export function Pressable({ className, onPress, disabled, role = 'button', checked, label, testId, onKeyDown, data, children }: PressableProps) {
  const press = () => {
    if (!disabled) onPress?.()
  }
  if (currentPlatform() === 'h5') {
    return (
      <button
        type='button'
        className={className}
        role={role === 'radio' ? 'radio' : undefined}
        aria-checked={role === 'radio' ? Boolean(checked) : undefined}
        aria-disabled={disabled ? true : undefined}
        aria-label={label}
        onClick={press}
        onKeyDown={onKeyDown}
        data-testid={testId}
        {...data}
      >
        {children}
      </button>
    )
  }
  return (
    <Button className={className} disabled={disabled} onClick={press} data-testid={testId} {...data}>
      {children}
    </Button>
  )
}

export default Pressable
