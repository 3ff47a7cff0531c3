import { useState } from 'react'
import { View } from '@tarojs/components'
import { speak } from '@/services/speech'
import { Pressable } from '../BigButton/Pressable'
import './index.scss'

/** The visible 朗读 button: reads the page's main text aloud where the platform can. */
export function SpeakButton({ text }: { text: string }) {
  const [unsupported, setUnsupported] = useState(false)
  return (
    <View className='yl-speak'>
      <Pressable
        className='yl-speak__btn'
        label='朗读'
        testId='speak'
        onPress={() => {
          const { spoken } = speak(text)
          setUnsupported(!spoken)
        }}
      >
        ▶ 朗读
      </Pressable>
      {unsupported ? (
        <View className='yl-speak__note' role='status'>
          本机暂不支持朗读，请看屏幕上的文字
        </View>
      ) : null}
    </View>
  )
}

export default SpeakButton
