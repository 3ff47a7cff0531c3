import type { ReactNode } from 'react'
import { Input, Text, View } from '@tarojs/components'
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
}

export function Field({ name, label, value, onChange, onBlur, type = 'text', maxLength, placeholder, hint, error }: FieldProps) {
  return (
    <View className={`yl-field${error ? ' yl-field--invalid' : ''}`} data-testid={`field-${name}`}>
      <Text className='yl-field__label'>{label}</Text>
      <Input
        className='yl-field__input'
        type={type}
        value={value}
        maxlength={maxLength}
        placeholder={placeholder}
        placeholderClass='yl-field__placeholder'
        onInput={(e) => onChange(String(e.detail.value ?? ''))}
        onBlur={() => onBlur?.()}
        data-testid={`input-${name}`}
      />
      {hint ? <View className='yl-field__hint'>{hint}</View> : null}
      {error ? (
        <View className='yl-field__error' data-testid={`error-${name}`}>
          <Text className='yl-field__error-mark'>✕</Text>
          <Text className='yl-field__error-text'>{error}</Text>
        </View>
      ) : null}
    </View>
  )
}

export default Field
