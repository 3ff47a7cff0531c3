/**
 * Developer-only 消息发件箱 (subpackage packages/dev): what the local openapi adapter stored, i.e. what
 * would have reached each phone — recipient (masked), template, data fields, page, time — newest
 * first, with 刷新. Nothing links here in the product; on H5 it is /packages/dev/outbox/index. The
 * backend refuses listInbox in production (FORBIDDEN_IN_PRODUCTION), shown as an error here.
 */
import { useCallback, useEffect, useRef, useState } from 'react'
import { Text, View } from '@tarojs/components'
import { BigButton } from '@/components/BigButton'
import { ErrorBanner } from '@/components/ErrorBanner'
import { Notice } from '@/components/Notice'
import { PageShell } from '@/components/PageShell'
import type { InboxMessageView } from '@/core/contracts/reminders'
import type { AppError } from '@/core/errors'
import { listInbox } from '@/services/subscribe'
import './index.scss'

/** An openid shown masked: its first 4 and last 4 characters (short ids: first and last). */
export function maskRecipient(touser: string): string {
  if (touser.length <= 4) return `${touser.slice(0, 1)}***`
  if (touser.length <= 10) return `${touser.slice(0, 2)}***${touser.slice(-2)}`
  return `${touser.slice(0, 4)}***${touser.slice(-4)}`
}

/** 2026-11-27 10:05:03 in Beijing time. */
export function beijingTime(iso: string): string {
  const t = Date.parse(iso)
  if (Number.isNaN(t)) return iso
  return new Date(t + 8 * 3600 * 1000).toISOString().slice(0, 19).replace('T', ' ')
}

export function newestFirst(messages: InboxMessageView[]): InboxMessageView[] {
  return [...messages].sort((a, b) => Date.parse(b.receivedAt) - Date.parse(a.receivedAt))
}

type State = { phase: 'loading' } | { phase: 'ready'; messages: InboxMessageView[]; at: string } | { phase: 'error'; error: AppError }

export default function OutboxPage() {
  const [state, setState] = useState<State>({ phase: 'loading' })
  const seq = useRef(0)

  const load = useCallback(() => {
    const mine = ++seq.current
    setState({ phase: 'loading' })
    void listInbox({ limit: 100 }).then(
      (r) => {
        if (mine !== seq.current) return
        setState(r.ok ? { phase: 'ready', messages: newestFirst(r.data.messages), at: beijingTime(new Date().toISOString()) } : { phase: 'error', error: r.error })
      },
      () => {
        if (mine !== seq.current) return
        setState({ phase: 'error', error: { code: 'SERVICE_UNAVAILABLE', message: '服务暂时不可用，请稍后再试' } })
      },
    )
  }, [])

  useEffect(() => {
    load()
    return () => {
      seq.current++
    }
  }, [load])

  return (
    <PageShell title='消息发件箱（开发用）' speech='消息发件箱：本机演示中，每条订阅消息本会发到哪部手机。'>
      <Text className='yl-outbox__meta'>本机演示环境：订阅消息不会真的发出，这里列出每条消息本会到达哪个微信（最新的在最上面）。</Text>
      <BigButton label='刷新' variant='secondary' busy={state.phase === 'loading'} busyLabel='正在读取…' onClick={load} testId='outbox-refresh' />

      {state.phase === 'error' ? <ErrorBanner error={state.error} onRetry={load} /> : null}

      {state.phase === 'ready' ? (
        <View data-testid='outbox-list' data-count={state.messages.length}>
          <Text className='yl-outbox__meta' data-testid='outbox-summary'>
            {`共 ${state.messages.length} 条 · 读取于 ${state.at}`}
          </Text>
          {state.messages.length === 0 ? (
            <Notice title='还没有消息' testId='outbox-empty'>
              <Text>下一次发送提醒后，这里会显示发出的消息。</Text>
            </Notice>
          ) : null}
          {state.messages.map((m) => (
            <View className='yl-outbox__msg' key={m.id} data-testid='outbox-message' data-id={m.id}>
              <Text className='yl-outbox__title' data-testid='outbox-title'>
                {m.title}
                {m.template ? ` (${m.template})` : ''}
              </Text>
              <Text className='yl-outbox__line' data-testid='outbox-recipient'>
                {`发给：${maskRecipient(m.touser)}${m.mine ? '（本机账号）' : ''}`}
              </Text>
              <Text className='yl-outbox__line'>{`模板 ID：${m.templateId}`}</Text>
              {Object.entries(m.data).map(([key, field]) => (
                <Text className='yl-outbox__field' key={key} data-testid='outbox-field'>
                  <Text className='yl-outbox__key'>{key}：</Text>
                  {field.value}
                </Text>
              ))}
              <Text className='yl-outbox__line' data-testid='outbox-page'>{`点开后打开：${m.page || '（首页）'}`}</Text>
              <Text className='yl-outbox__line' data-testid='outbox-time'>{`收到时间：${beijingTime(m.receivedAt)}（北京时间）`}</Text>
            </View>
          ))}
        </View>
      ) : null}
    </PageShell>
  )
}
