import { Text, View } from '@tarojs/components'
import type { AppError } from '@/core/errors'
import { BigButton } from '../BigButton'
import './index.scss'

export interface ErrorBannerProps {
  error: AppError
  /** When given, a big 重试 button under the message. */
  onRetry?: () => void
  retryLabel?: string
}

/** A clear error message: an icon, a heading and the sentence in words; never colour alone. */
export function ErrorBanner({ error, onRetry, retryLabel = '重试' }: ErrorBannerProps) {
  return (
    <View className='yl-error' data-testid='error-banner' data-code={error.code}>
      <View className='yl-error__row'>
        <Text className='yl-error__icon'>!</Text>
        <Text className='yl-error__text'>{error.message}</Text>
      </View>
      {onRetry ? <BigButton label={retryLabel} size='main' onClick={onRetry} testId='retry' /> : null}
    </View>
  )
}

export default ErrorBanner
