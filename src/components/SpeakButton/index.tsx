import { useState } from 'react'
import { Button, Text, View } from '@tarojs/components'
import { speak } from '@/services/speech'
import './index.scss'

/** The visible 朗读 button: reads the page's main text aloud where the platform can. */
export function SpeakButton({ text }: { text: string }) {
  const [unsupported, setUnsupported] = useState(false)
  return (
    <View className='yl-speak'>
      <Button
        className='yl-speak__btn'
        onClick={() => {
          const { spoken } = speak(text)
          setUnsupported(!spoken)
        }}
      >
        ▶ 朗读
      </Button>
      {unsupported ? <Text className='yl-speak__note'>本机暂不支持朗读，请看屏幕上的文字</Text> : null}
    </View>
  )
}

export default SpeakButton
