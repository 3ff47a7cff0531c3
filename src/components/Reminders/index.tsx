import { Text, View } from '@tarojs/components'
import { REMINDERS } from './texts'
import './index.scss'

export { REMINDERS }

/** The three rules every retiree should know, as a plain list. */
export function Reminders() {
  return (
    <View className='yl-reminders' data-testid='reminders'>
      <Text className='yl-reminders__title'>温馨提示</Text>
      {REMINDERS.map((r, i) => (
        <View className='yl-reminders__item' key={r}>
          <Text className='yl-reminders__num'>{i + 1}.</Text>
          <Text className='yl-reminders__text'>{r}</Text>
        </View>
      ))}
    </View>
  )
}

export default Reminders
