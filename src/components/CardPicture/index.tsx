import { Text, View } from '@tarojs/components'
import './index.scss'

/**
 * A drawing (Views and CSS only, no images) of the front of a social security card, showing where
 * the 社会保障卡号 is printed. The number shown is a made-up example.
 *
 * Its words are sized like the rest of the page (≥ 18 px, following the 字号) so a sighted reader
 * can read them at any size. For a screen reader the drawing is hidden: read out, its made-up name
 * and numbers would sound like real data; the caption under it says the same thing in words.
 */
export function CardPicture() {
  return (
    <View className='yl-card-pic' data-testid='card-picture'>
      <View className='yl-card-pic__card' aria-hidden='true'>
        <View className='yl-card-pic__top'>
          <Text className='yl-card-pic__title'>中华人民共和国</Text>
          <Text className='yl-card-pic__title yl-card-pic__title--big'>社会保障卡</Text>
        </View>
        <View className='yl-card-pic__middle'>
          <View className='yl-card-pic__chip' />
          <View className='yl-card-pic__lines'>
            <Text className='yl-card-pic__line'>姓名 张某某</Text>
            <Text className='yl-card-pic__line'>社会保障号码 4301**********123X</Text>
          </View>
          <View className='yl-card-pic__photo'>
            <Text className='yl-card-pic__photo-text'>照片</Text>
          </View>
        </View>
        <View className='yl-card-pic__number-row'>
          <View className='yl-card-pic__number' data-testid='card-number-area'>
            <Text className='yl-card-pic__number-label'>社会保障卡号在这里</Text>
            <Text className='yl-card-pic__number-text'>卡号 A01234567</Text>
          </View>
        </View>
      </View>
      <Text className='yl-card-pic__caption'>
        卡号印在卡片正面右下方（虚线框处），通常是 1 个字母加 8 位数字。卡号不是身份证号。
      </Text>
    </View>
  )
}

export default CardPicture
