import { useId, type ReactNode } from 'react'
import { Input, Text, Textarea, View } from '@tarojs/components'
import { currentPlatform } from '@/services/platform'
import { FONT_BODY_PX } from '@/styles/tokens'
import './index.scss'

export interface FieldProps {
  /** Stable name, used for tests and to match server errors that name a field. */
  name: string
  label: string
  value: string
  onChange: (value: string) => void
  onBlur?: () => void
  /** 'idcard' opens WeChat's ID-number keyboard (digits and X). */
  type?: 'text' | 'idcard' | 'number'
  maxLength?: number
  placeholder?: string
  hint?: ReactNode
  /** The inline message shown under the field, in words with a ✕ mark. */
  error?: string
  /**
   * Keep the whole value in view when the screen is too narrow for it at the person's text size: the
   * box's text is set smaller, never below 18 dp, instead of the box showing only part of what she
   * typed. 'id-number': one size for all 18 characters (the text does not change size while she
   * types); 'value': sized to what is typed so far (a long name).
   */
  fit?: 'id-number' | 'value'
  /**
   * A box that grows a line at a time with what is typed (an address, a sentence): all of it stays in
   * view at any text size. Line breaks become spaces: the value is one line of text.
   */
  multiline?: boolean
}

/**
 * A labelled input whose whole visible box is the input (tap anywhere in it to type). On H5 the
 * label is a real <label> tied to the inner <input>, the input is named by that label (not by its
 * placeholder) and an error is announced and attached to the input as its description.
 */
export function Field({ name, label, value, onChange, onBlur, type = 'text', maxLength, placeholder, hint, error, fit, multiline = false }: FieldProps) {
  const h5 = currentPlatform() === 'h5'
  const uid = useId()
  const inputId = `yl-field-${name}-${uid}`
  const errorId = `${inputId}-error`
  // Taro's H5 Input and Textarea spread nativeProps onto their inner element: the one a screen reader meets.
  const native = h5 ? { id: inputId, 'aria-invalid': error ? 'true' : 'false', 'aria-describedby': error ? errorId : undefined } : undefined
  return (
    <View className={`yl-field${error ? ' yl-field--invalid' : ''}`} data-testid={`field-${name}`}>
      {h5 ? (
        <label className='yl-field__label' htmlFor={inputId}>
          {label}
        </label>
      ) : (
        <Text className='yl-field__label'>{label}</Text>
      )}
      {multiline ? (
        <Textarea
          className={`yl-field__input yl-field__input--multi${h5 ? ' yl-field__input--h5' : ''}`}
          // H5: the box is sized by an invisible copy of the text (index.scss), so it fits its lines at any
          // text size; Taro's own auto-height only recounts lines when the value changes.
          data-value={h5 ? value : undefined}
          value={value}
          maxlength={maxLength}
          placeholder={placeholder}
          placeholderClass='yl-field__placeholder'
          autoHeight
          ariaLabel={h5 ? undefined : label}
          nativeProps={native}
          onInput={(e) => onChange(String(e.detail.value ?? '').replace(/[\r\n]+/g, ' '))}
          onBlur={() => onBlur?.()}
          data-testid={`input-${name}`}
        />
      ) : (
        <Input
          className={`yl-field__input${h5 ? ' yl-field__input--h5' : ''}${fit === 'id-number' ? ' yl-field__input--fit18' : ''}`}
          style={fit === 'value' ? fittedFontSize(value) : undefined}
          type={type}
          value={value}
          maxlength={maxLength}
          placeholder={placeholder}
          placeholderClass='yl-field__placeholder'
          // weapp reads aria-label on its native input; on H5 the <label> above names the inner input
          // (here it would land on the wrapper and make a second, empty 'field' for a screen reader).
          ariaLabel={h5 ? undefined : label}
          nativeProps={native}
          onInput={(e) => onChange(String(e.detail.value ?? ''))}
          onBlur={() => onBlur?.()}
          data-testid={`input-${name}`}
        />
      )}
      {hint ? <View className='yl-field__hint'>{hint}</View> : null}
      {error ? (
        <View className='yl-field__error' data-testid={`error-${name}`} id={h5 ? errorId : undefined} role='alert'>
          <Text className='yl-field__error-mark'>✕</Text>
          <Text className='yl-field__error-text'>{error}</Text>
        </View>
      ) : null}
    </View>
  )
}

/**
 * Widths in em: a Han character or a full-width mark is about 1 em, and so is the middle dot of a
 * two-part name (· U+00B7: the page's CJK font draws it full width); a Latin letter or digit 0.6.
 */
function widthEm(text: string): number {
  let em = 0
  for (const ch of text) {
    const c = ch.charCodeAt(0)
    em += c >= 0x2e80 || c === 0xb7 ? 1 : 0.6
  }
  return em
}

/**
 * The body size, or as much smaller as the typed text needs to fit the box (never below 18 dp):
 * the screen less 68 px of page padding, border and box padding (and 4 px to spare: a Han character
 * is exactly 1 em, so the estimate has no slack of its own), over the text's width in em.
 */
export function fittedFontSize(text: string): { fontSize: string } | undefined {
  const em = widthEm(text)
  if (em === 0) return undefined
  return { fontSize: `max(18px, min(calc(${FONT_BODY_PX}px * var(--yl-scale, 1)), calc((100vw - 72px) / ${Number(em.toFixed(1))})))` }
}

export default Field
