import { Text, View } from '@tarojs/components'
import { ACTION_CAPTION_PHRASES, ACTION_CAPTIONS } from '@/core/liveness/session/texts'
import type { ActionName } from '@/core/liveness/types'
import './index.scss'

/** What each picture shows, in words under it (the picture is never the only cue); spoken when it says more than the prompt. */
export { ACTION_CAPTIONS }

export interface ActionIllustrationProps {
  /** null while positioning. */
  action: ActionName | null
  /**
   * The preview is mirrored (front camera, like a mirror): the person's own left is the screen's
   * left, so turn_left is drawn turning to the screen's left. Not mirrored (back camera, a family
   * member holds the phone): the person's own left is the screen's right.
   */
  mirrored: boolean
  /** Little room (large text, zoom): a smaller face beside its caption instead of above it. */
  compact?: boolean
}

/**
 * One large, slowly animated face per action, drawn with Views and CSS only: eyes blink, mouth
 * opens, head turns left/right or nods up/down. Calm 3-second loops, no flashing.
 */
export function ActionIllustration({ action, mirrored, compact = false }: ActionIllustrationProps) {
  const key = action ?? 'position'
  let motion: string = key
  if (action === 'turn_left' || action === 'turn_right') {
    const ownLeft = action === 'turn_left'
    // Screen direction the face moves toward.
    motion = ownLeft === mirrored ? 'turn-screen-left' : 'turn-screen-right'
  }
  const arrow =
    motion === 'turn-screen-left' ? '←' : motion === 'turn-screen-right' ? '→' : action === 'head_up' ? '↑' : action === 'head_down' ? '↓' : ''
  return (
    <View className={`yl-illu yl-illu--${motion}${compact ? ' yl-illu--compact' : ''}`} data-testid='action-illustration' data-action={key} data-motion={motion}>
      <View className='yl-illu__stage'>
        {arrow && motion.startsWith('turn-screen-left') ? <Text className='yl-illu__arrow'>{arrow}</Text> : null}
        <View className='yl-illu__head'>
          <View className='yl-illu__features'>
            <View className='yl-illu__brows'>
              <View className='yl-illu__brow' />
              <View className='yl-illu__brow' />
            </View>
            <View className='yl-illu__eyes'>
              <View className='yl-illu__eye' />
              <View className='yl-illu__eye' />
            </View>
            <View className='yl-illu__nose' />
            <View className='yl-illu__mouth' />
          </View>
        </View>
        {arrow && !motion.startsWith('turn-screen-left') ? <Text className='yl-illu__arrow'>{arrow}</Text> : null}
      </View>
      <View className='yl-illu__caption'>
        {ACTION_CAPTION_PHRASES[key].map((phrase) => (
          <Text className='yl-illu__phrase' key={phrase}>
            {phrase}
          </Text>
        ))}
      </View>
    </View>
  )
}

export default ActionIllustration
