import { useEffect } from 'react'
import { Text, View } from '@tarojs/components'
import type { AppError } from '@/core/errors'
import { speak } from '@/services/speech'
import { BigButton } from '../BigButton'
import './index.scss'

export interface ErrorBannerProps {
  error: AppError
  /** What to do about it, in words under the message (the page's 朗读 reads it with the message). */
  help?: string
  /** When given, a big 重试 button under the message. */
  onRetry?: () => void
  retryLabel?: string
  testId?: string
}

/**
 * A clear error message: an icon, a heading and the sentence in words; never colour alone. The
 * message is spoken once when it appears (and again only when it changes) and is an alert for
 * screen readers, so a binding or query error is never silent.
 */
export function ErrorBanner({ error, help, onRetry, retryLabel = '重试', testId = 'error-banner' }: ErrorBannerProps) {
  const { code, message } = error
  useEffect(() => {
    speak(message)
    // The code is part of the key: the same words for a new failure are worth saying again.
  }, [code, message])
  return (
    <View className='yl-error' data-testid={testId} data-code={code}>
      <View className='yl-error__row' role='alert'>
        <Text className='yl-error__icon' aria-hidden='true'>
          !
        </Text>
        <Text className='yl-error__text'>{message}</Text>
      </View>
      {help ? (
        <Text className='yl-text' data-testid='error-help'>
          {help}
        </Text>
      ) : null}
      {onRetry ? <BigButton label={retryLabel} size='main' onClick={onRetry} testId='retry' /> : null}
    </View>
  )
}

export default ErrorBanner
