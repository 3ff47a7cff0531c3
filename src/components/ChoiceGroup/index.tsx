import { useId } from 'react'
import { Text, View } from '@tarojs/components'
import { currentPlatform } from '@/services/platform'
import { Pressable } from '../BigButton/Pressable'
import { Phrases, phrasedText, type PhrasedText } from '../Phrases'
import { radioArrowKeys } from './arrow-keys'
import './index.scss'

export interface Choice<T extends string> {
  value: T
  /** Its words; a long one as its phrases, to wrap between them at 特大 (Phrases). */
  label: PhrasedText
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
 * word 已选, so the choice is never shown by colour alone. On H5 it is a radiogroup named by its
 * label, each choice a radio named by its own words (the marks are not read out).
 */
export function ChoiceGroup<T extends string>({ name, label, choices, value, onChange, error }: ChoiceGroupProps<T>) {
  const labelId = `yl-choices-${name}-${useId()}`
  // Ids only tie the label to the group for H5 screen readers; weapp uses a node's id for itself.
  const h5 = currentPlatform() === 'h5'
  const arrows = radioArrowKeys(
    choices.map((c) => c.value),
    value,
    onChange,
  )
  return (
    <View className={`yl-choices${error ? ' yl-choices--invalid' : ''}`} data-testid={`field-${name}`}>
      <Text className='yl-choices__label' id={h5 ? labelId : undefined}>
        {label}
      </Text>
      <View className='yl-choices__list' role='radiogroup' aria-labelledby={h5 ? labelId : undefined}>
        {choices.map((c) => {
          const selected = c.value === value
          return (
            <Pressable
              key={c.value}
              className={`yl-choice${selected ? ' yl-choice--selected' : ''}`}
              role='radio'
              checked={selected}
              onKeyDown={arrows}
              label={phrasedText(c.label)}
              onPress={() => onChange(c.value)}
              testId={`choice-${name}-${c.value}`}
              data={{ 'data-selected': selected ? 'true' : 'false' }}
            >
              <Text className='yl-choice__mark' aria-hidden='true'>
                {selected ? '●' : '○'}
              </Text>
              <Text className='yl-choice__text'>
                <Phrases text={c.label} />
              </Text>
              {selected ? (
                <Text className='yl-choice__tag' aria-hidden='true'>
                  已选
                </Text>
              ) : null}
            </Pressable>
          )
        })}
      </View>
      {error ? (
        <View className='yl-choices__error' data-testid={`error-${name}`} role='alert'>
          <Text className='yl-choices__error-mark'>✕</Text>
          <Text>{error}</Text>
        </View>
      ) : null}
    </View>
  )
}

export default ChoiceGroup
