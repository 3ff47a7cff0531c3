import { useId, type ReactNode } from 'react'
import { Input, Text, View } from '@tarojs/components'
import { currentPlatform } from '@/services/platform'
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
   * The whole of an 18-character value (an ID number) stays in view: on a screen too narrow for 18
   * characters at the person's text size the box's text is set smaller (never below 18 dp), instead
   * of the box showing only part of what she typed.
   */
  fit18?: boolean
}

/**
 * A labelled input whose whole visible box is the input (tap anywhere in it to type). On H5 the
 * label is a real <label> tied to the inner <input>, the input is named by that label (not by its
 * placeholder) and an error is announced and attached to the input as its description.
 */
export function Field({ name, label, value, onChange, onBlur, type = 'text', maxLength, placeholder, hint, error, fit18 = false }: FieldProps) {
  const h5 = currentPlatform() === 'h5'
  const uid = useId()
  const inputId = `yl-field-${name}-${uid}`
  const errorId = `${inputId}-error`
  return (
    <View className={`yl-field${error ? ' yl-field--invalid' : ''}`} data-testid={`field-${name}`}>
      {h5 ? (
        <label className='yl-field__label' htmlFor={inputId}>
          {label}
        </label>
      ) : (
        <Text className='yl-field__label'>{label}</Text>
      )}
      <Input
        className={`yl-field__input${h5 ? ' yl-field__input--h5' : ''}${fit18 ? ' yl-field__input--fit18' : ''}`}
        type={type}
        value={value}
        maxlength={maxLength}
        placeholder={placeholder}
        placeholderClass='yl-field__placeholder'
        // weapp reads aria-label on its native input; on H5 the <label> above names the inner input
        // (here it would land on the wrapper and make a second, empty 'field' for a screen reader).
        ariaLabel={h5 ? undefined : label}
        // Taro's H5 Input spreads nativeProps onto its inner <input>: the element a screen reader meets.
        nativeProps={h5 ? { id: inputId, 'aria-invalid': error ? 'true' : 'false', 'aria-describedby': error ? errorId : undefined } : undefined}
        onInput={(e) => onChange(String(e.detail.value ?? ''))}
        onBlur={() => onBlur?.()}
        data-testid={`input-${name}`}
      />
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

export default Field
