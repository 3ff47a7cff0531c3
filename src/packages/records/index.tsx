/**
 * 认证记录: the bound person's own history, or — with ?relative=<relativeId> (from 家人, or the result
 * page after 帮TA认证) — that 家人's history, headed with their masked name and relation.
 */
import { useState } from 'react'
import { Text, View } from '@tarojs/components'
import { BigButton } from '@/components/BigButton'
import { ErrorBanner } from '@/components/ErrorBanner'
import { Notice } from '@/components/Notice'
import { PageShell } from '@/components/PageShell'
import type { RecordView } from '@/core/contracts/views'
import { useAsync } from '@/hooks/useAsync'
import { listRecords } from '@/services/api'
import { formatChinaDate } from '@/core/dates'
import { backHome, currentParams, navigateTo, ROUTES } from '@/services/navigation'
import { recordsHeading, recordsSpeech, resultMark, resultText, RETRY_NOTE } from './records-text'
import './index.scss'

function Line({ label, value }: { label: string; value: string }) {
  return (
    <View className='yl-record__line'>
      <Text className='yl-record__key'>{label}</Text>
      <Text className='yl-record__value'>{value}</Text>
    </View>
  )
}

function RecordItem({ record }: { record: RecordView }) {
  const look = record.retryAfterPass ? 'retry' : record.result
  return (
    <View className={`yl-record yl-record--${look}`} data-testid='record' data-result={record.result}>
      <View className='yl-record__head'>
        <Text className='yl-record__mark'>{resultMark(record)}</Text>
        <Text className='yl-record__result'>{resultText(record)}</Text>
      </View>
      {record.retryAfterPass ? (
        <Text className='yl-record__note' data-testid='record-retry'>
          {RETRY_NOTE}
        </Text>
      ) : null}
      {record.reviewNote ? (
        <Text className='yl-record__note' data-testid='record-review'>
          {record.reviewNote}
        </Text>
      ) : null}
      <Line label='日期' value={formatChinaDate(record.certifiedAt)} />
      <Line label='方式' value={record.methodLabel} />
      <Line label='渠道' value={record.channelLabel} />
      <Line label='办理人' value={record.performedByLabel} />
    </View>
  )
}

export default function RecordsPage() {
  const [relativeId] = useState(() => currentParams().relative || undefined)
  const [state, reload] = useAsync(() => listRecords(relativeId ? { limit: 50, relativeId } : { limit: 50 }))
  const relative = state.phase === 'ready' ? state.data.relative : undefined
  const speech =
    state.phase === 'ready'
      ? recordsSpeech(state.data.records, relative)
      : state.phase === 'error'
        ? `${state.error.message}。`
        : '正在读取认证记录。'

  return (
    <PageShell title='认证记录' speech={speech}>
      {relative ? (
        <Text className='yl-section-title' data-testid='records-whose'>
          {recordsHeading(relative)}
        </Text>
      ) : null}
      {state.phase === 'loading' ? <Notice title='正在读取认证记录…' testId='loading' /> : null}
      {state.phase === 'error' && state.error.code === 'NOT_BOUND' ? (
        <View data-testid='not-bound'>
          <Notice title={state.error.message} />
          <BigButton label='绑定社保卡' size='main' onClick={() => void navigateTo(ROUTES.bind)} />
        </View>
      ) : null}
      {state.phase === 'error' && state.error.code !== 'NOT_BOUND' ? (
        <ErrorBanner error={state.error} onRetry={state.error.code === 'RELATIVE_NOT_FOUND' ? undefined : reload} />
      ) : null}
      {state.phase === 'ready' && state.data.records.length === 0 ? (
        <Notice title='还没有认证记录' testId='empty'>
          <Text>完成认证后，记录会显示在这里。</Text>
        </Notice>
      ) : null}
      {state.phase === 'ready' && state.data.records.length > 0 ? (
        <View data-testid='record-list'>
          {state.data.records.map((r) => (
            <RecordItem key={r.id} record={r} />
          ))}
        </View>
      ) : null}
      {relativeId ? (
        <BigButton label='返回家人列表' variant='secondary' onClick={() => void navigateTo(ROUTES.family)} testId='back-family' />
      ) : null}
      <BigButton label='返回首页' variant='secondary' onClick={() => void backHome()} />
    </PageShell>
  )
}
