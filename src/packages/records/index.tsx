import { Text, View } from '@tarojs/components'
import { BigButton } from '@/components/BigButton'
import { ErrorBanner } from '@/components/ErrorBanner'
import { Notice } from '@/components/Notice'
import { PageShell } from '@/components/PageShell'
import type { RecordView } from '@/core/contracts/views'
import { useAsync } from '@/hooks/useAsync'
import { listRecords } from '@/services/api'
import { formatChinaDate } from '@/services/format'
import { backHome, navigateTo, ROUTES } from '@/services/navigation'
import { recordsSpeech, resultMark } from './records-text'
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
  return (
    <View className={`yl-record yl-record--${record.result}`} data-testid='record'>
      <View className='yl-record__head'>
        <Text className='yl-record__mark'>{resultMark(record.result)}</Text>
        <Text className='yl-record__result'>{record.resultLabel}</Text>
      </View>
      <Line label='日期' value={formatChinaDate(record.certifiedAt)} />
      <Line label='方式' value={record.methodLabel} />
      <Line label='渠道' value={record.channelLabel} />
      <Line label='办理人' value={record.performedByLabel} />
    </View>
  )
}

export default function RecordsPage() {
  const [state, reload] = useAsync(() => listRecords({ limit: 50 }))
  const speech =
    state.phase === 'ready' ? recordsSpeech(state.data.records) : state.phase === 'error' ? `${state.error.message}。` : '正在读取认证记录。'

  return (
    <PageShell title='认证记录' speech={speech}>
      {state.phase === 'loading' ? <Notice title='正在读取认证记录…' testId='loading' /> : null}
      {state.phase === 'error' && state.error.code === 'NOT_BOUND' ? (
        <View data-testid='not-bound'>
          <Notice title={state.error.message} />
          <BigButton label='绑定社保卡' size='main' onClick={() => void navigateTo(ROUTES.bind)} />
        </View>
      ) : null}
      {state.phase === 'error' && state.error.code !== 'NOT_BOUND' ? <ErrorBanner error={state.error} onRetry={reload} /> : null}
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
      <BigButton label='返回首页' variant='secondary' onClick={() => void backHome()} />
    </PageShell>
  )
}
