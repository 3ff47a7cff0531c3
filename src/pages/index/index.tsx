import { Text, View } from '@tarojs/components'
import { BigButton } from '@/components/BigButton'
import { ErrorBanner } from '@/components/ErrorBanner'
import { Notice } from '@/components/Notice'
import { PageShell } from '@/components/PageShell'
import { Reminders } from '@/components/Reminders'
import { StatusCard } from '@/components/StatusCard'
import { SubscribeCard } from '@/components/SubscribeCard'
import { useAsync } from '@/hooks/useAsync'
import { getStatus } from '@/services/api'
import { navigateTo, ROUTES } from '@/services/navigation'
import { homeSpeech } from './home-text'

export default function HomePage() {
  const [state, reload] = useAsync(getStatus)

  const speech =
    state.phase === 'ready'
      ? homeSpeech({ phase: 'ready', status: state.data })
      : state.phase === 'error'
        ? homeSpeech({ phase: 'error', message: state.error.message })
        : homeSpeech({ phase: 'loading' })

  return (
    <PageShell title='养老待遇资格认证' speech={speech} fontSizeChoice>
      {state.phase === 'loading' ? (
        <Notice title='正在读取认证信息…' testId='loading'>
          <Text>请稍候。</Text>
        </Notice>
      ) : null}

      {state.phase === 'error' ? <ErrorBanner error={state.error} onRetry={reload} /> : null}

      {state.phase === 'ready' && !state.data.bound ? (
        <View data-testid='unbound'>
          <Notice title='您还没有绑定社保卡'>
            <Text>绑定本人社保卡后，就可以查看认证状态、进行认证。只需绑定一次。</Text>
          </Notice>
          <BigButton label='绑定社保卡' size='main' onClick={() => void navigateTo(ROUTES.bind)} testId='go-bind' />
        </View>
      ) : null}

      {state.phase === 'ready' && state.data.bound ? (
        <View data-testid='bound'>
          <StatusCard status={state.data} />
          <BigButton label='开始认证' size='main' onClick={() => void navigateTo(ROUTES.certify)} testId='start-certify' />
          <View className='yl-links'>
            <BigButton label='认证记录' variant='secondary' onClick={() => void navigateTo(ROUTES.records)} testId='go-records' />
            <BigButton label='绑定 / 解除绑定' variant='secondary' onClick={() => void navigateTo(ROUTES.bind)} testId='go-binding' />
          </View>
          <SubscribeCard size='normal' variant='secondary' />
        </View>
      ) : null}

      {state.phase !== 'loading' ? (
        <View className='yl-links' data-testid='more'>
          <BigButton label='家人认证' variant='secondary' onClick={() => void navigateTo(ROUTES.family)} testId='go-family' />
          <BigButton label='认证查询' variant='secondary' onClick={() => void navigateTo(ROUTES.query)} testId='go-query' />
        </View>
      ) : null}

      <Reminders />
    </PageShell>
  )
}
