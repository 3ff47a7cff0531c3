import { Button, Text, View } from '@tarojs/components'
import './index.scss'

export interface Choice<T extends string> {
  value: T
  label: string
}

export interface ChoiceGroupProps<T extends string> {
  name: string
  label: string
  choices: ReadonlyArray<Choice<T>>
  value: T | ''
  onChange: (value: T) => void
  error?: string
}

/**
 * Large radio-style choices (instead of a tiny picker). The chosen one shows a filled mark and the
 * word 已选, so the choice is never shown by colour alone.
 */
export function ChoiceGroup<T extends string>({ name, label, choices, value, onChange, error }: ChoiceGroupProps<T>) {
  return (
    <View className={`yl-choices${error ? ' yl-choices--invalid' : ''}`} data-testid={`field-${name}`}>
      <Text className='yl-choices__label'>{label}</Text>
      {choices.map((c) => {
        const selected = c.value === value
        return (
          <Button
            key={c.value}
            className={`yl-choice${selected ? ' yl-choice--selected' : ''}`}
            onClick={() => onChange(c.value)}
            data-testid={`choice-${name}-${c.value}`}
            data-selected={selected ? 'true' : 'false'}
          >
            <Text className='yl-choice__mark'>{selected ? '●' : '○'}</Text>
            <Text className='yl-choice__text'>{c.label}</Text>
            {selected ? <Text className='yl-choice__tag'>已选</Text> : null}
          </Button>
        )
      })}
      {error ? (
        <View className='yl-choices__error' data-testid={`error-${name}`}>
          <Text className='yl-choices__error-mark'>✕</Text>
          <Text>{error}</Text>
        </View>
      ) : null}
    </View>
  )
}

export default ChoiceGroup
