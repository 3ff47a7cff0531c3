import { useState } from 'react'
import { Text, View } from '@tarojs/components'
import { AppealLine } from '@/components/AppealLine'
import { BigButton } from '@/components/BigButton'
import { ErrorBanner } from '@/components/ErrorBanner'
import { Notice } from '@/components/Notice'
import { PageShell } from '@/components/PageShell'
import { Reminders } from '@/components/Reminders'
import { ScamNotice } from '@/components/ScamNotice'
import { StatusCard } from '@/components/StatusCard'
import { SubscribeCard } from '@/components/SubscribeCard'
import { UnitAdminLine } from '@/components/UnitAdminLine'
import { useAsync } from '@/hooks/useAsync'
import { getStatus } from '@/services/api'
import { navigateTo, ROUTES } from '@/services/navigation'
import { homeSpeech, nothingToDo, UNBOUND_ALREADY_DONE, UNBOUND_BODY, UNBOUND_TITLE_PHRASES } from './home-text'

export default function HomePage() {
  const [state, reload] = useAsync(getStatus)
  const [appealSentence, setAppealSentence] = useState('')

  const speech =
    state.phase === 'ready'
      ? homeSpeech({ phase: 'ready', status: state.data })
      : state.phase === 'error'
        ? homeSpeech({ phase: 'error', message: state.error.message })
        : homeSpeech({ phase: 'loading' })
  const spoken = state.phase === 'ready' && state.data.bound && appealSentence ? `${speech}${appealSentence}` : speech

  return (
    <PageShell title='养老待遇资格认证' speech={spoken} fontSizeChoice>
      {state.phase === 'loading' ? (
        <Notice title='正在读取认证信息…' testId='loading'>
          <Text>请稍候。</Text>
        </Notice>
      ) : null}

      {state.phase === 'error' ? <ErrorBanner error={state.error} onRetry={reload} /> : null}

      {state.phase === 'ready' && !state.data.bound ? (
        <View data-testid='unbound'>
          <Notice title={UNBOUND_TITLE_PHRASES}>
            <Text className='yl-text'>{UNBOUND_BODY}</Text>
          </Notice>
          <BigButton label='绑定社保卡' size='main' onClick={() => void navigateTo(ROUTES.bind)} testId='go-bind' />
          <Text className='yl-text' data-testid='unbound-already-done'>
            {UNBOUND_ALREADY_DONE}
          </Text>
        </View>
      ) : null}

      {state.phase === 'ready' && state.data.bound ? (
        <View data-testid='bound'>
          <StatusCard status={state.data} />
          {/* Certified, or the last try waits for 人工审核: nothing to do, so no big 开始认证 — only a small way to try again. */}
          {nothingToDo(state.data) ? null : (
            <BigButton label='开始认证' size='main' onClick={() => void navigateTo(ROUTES.certify)} testId='start-certify' />
          )}
          <View className='yl-links'>
            <BigButton label='认证记录' variant='secondary' onClick={() => void navigateTo(ROUTES.records)} testId='go-records' />
            {nothingToDo(state.data) ? (
              <BigButton label='再认证一次' variant='secondary' onClick={() => void navigateTo(ROUTES.certify)} testId='certify-again' />
            ) : null}
            <BigButton label='绑定 / 解除绑定' variant='secondary' onClick={() => void navigateTo(ROUTES.bind)} testId='go-binding' />
          </View>
          <SubscribeCard size='normal' variant='secondary' />
          <AppealLine onSentence={setAppealSentence} />
        </View>
      ) : null}

      {state.phase !== 'loading' ? (
        <View className='yl-links' data-testid='more'>
          <BigButton label='家人认证' variant='secondary' onClick={() => void navigateTo(ROUTES.family)} testId='go-family' />
          <BigButton label='认证查询' variant='secondary' onClick={() => void navigateTo(ROUTES.query)} testId='go-query' />
          <UnitAdminLine />
        </View>
      ) : null}

      {state.phase !== 'loading' ? <ScamNotice /> : null}

      <Reminders />
    </PageShell>
  )
}
