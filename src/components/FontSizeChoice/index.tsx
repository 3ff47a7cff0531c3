import { useId } from 'react'
import { Text, View } from '@tarojs/components'
import { useFontSizeChoice } from '@/hooks/useFontScale'
import { currentPlatform } from '@/services/platform'
import { FONT_SIZE_CHOICES, setFontSizeChoice } from '@/services/system'
import { Pressable } from '../BigButton/Pressable'
import { radioArrowKeys } from '../ChoiceGroup/arrow-keys'
import './index.scss'

/**
 * 字号 标准 / 大 / 特大: one compact row on 首页. The choice is remembered and every open page
 * follows it at once (through PageShell). The chosen size shows ✓ and a filled box, not colour alone.
 */
export function FontSizeChoice() {
  const choice = useFontSizeChoice()
  const labelId = `yl-font-size-${useId()}`
  // Ids only tie the label to the group for H5 screen readers; weapp uses a node's id for itself.
  const h5 = currentPlatform() === 'h5'
  const arrows = radioArrowKeys(FONT_SIZE_CHOICES.map((c) => c.value), choice, setFontSizeChoice)
  return (
    <View className='yl-font-size' data-testid='font-size'>
      <Text className='yl-font-size__label' id={h5 ? labelId : undefined}>
        字号
      </Text>
      <View className='yl-font-size__list' role='radiogroup' aria-labelledby={h5 ? labelId : undefined}>
        {FONT_SIZE_CHOICES.map((c) => {
          const selected = c.value === choice
          return (
            <Pressable
              key={c.value}
              className={`yl-font-size__btn${selected ? ' yl-font-size__btn--selected' : ''}`}
              role='radio'
              checked={selected}
              onKeyDown={arrows}
              label={c.label}
              onPress={() => setFontSizeChoice(c.value)}
              testId={`font-size-${c.value}`}
              data={{ 'data-selected': selected ? 'true' : 'false' }}
            >
              {selected ? (
                <Text className='yl-font-size__mark' aria-hidden='true'>
                  ✓
                </Text>
              ) : null}
              <Text>{c.label}</Text>
            </Pressable>
          )
        })}
      </View>
    </View>
  )
}

export default FontSizeChoice
