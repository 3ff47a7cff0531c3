/**
 * 认证到期前提醒我: says in plain words what will be sent, shows the current state (已开启提醒 and how
 * many messages each template can still bring) and has ONE big button that asks WeChat for the
 * subscriptions. The button's onClick calls requestReminderSubscriptions() directly: WeChat only shows
 * the dialog from a tap.
 */
import { useEffect, useRef, useState } from 'react'
import { Text, View } from '@tarojs/components'
import type { AppError } from '@/core/errors'
import {
  getReminderSubscriptions,
  remindersOn,
  requestReminderSubscriptions,
  TEMPLATE_TITLES,
  type SubscribeOutcome,
  type SubscriptionView,
} from '@/services/subscribe'
import { BulletList } from '../BulletList'
import { BigButton } from '../BigButton'
import { Phrases } from '../Phrases'
import { BUTTON_BUSY, BUTTON_OFF, BUTTON_ON, SUBSCRIBE_HOW, SUBSCRIBE_LINES, SUBSCRIBE_TITLE, SUBSCRIBE_TITLE_PHRASES, TITLE_PHRASES } from './texts'
import './index.scss'

export { SUBSCRIBE_LINES, SUBSCRIBE_TITLE }

export interface SubscribeCardProps {
  /** The button's size: 'main' where it is the page's one main action. */
  size?: 'main' | 'normal'
  /** secondary where another button is the page's main action (首页: 开始认证). */
  variant?: 'primary' | 'secondary'
  testId?: string
}

/** "认证到期提醒：还能收到 2 条" / "长期有效" / "未开启", as phrases: the title's, then the state. */
export function creditPhrases(s: SubscriptionView): readonly string[] {
  const title = TITLE_PHRASES[s.kind] ?? [s.title]
  const state = s.longTerm ? '长期有效' : s.credits > 0 ? `还能收到 ${s.credits} 条` : '未开启'
  return [...title.slice(0, -1), `${title[title.length - 1]}：`, state]
}

export function SubscribeCard({ size = 'main', variant = 'primary', testId = 'subscribe-card' }: SubscribeCardProps) {
  const [subs, setSubs] = useState<SubscriptionView[] | null>(null)
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<AppError | null>(null)
  const [outcome, setOutcome] = useState<SubscribeOutcome | null>(null)
  const alive = useRef(true)

  useEffect(() => {
    alive.current = true
    void getReminderSubscriptions().then(
      (r) => {
        // A failed read just leaves the state unknown: the card and its button still work.
        if (alive.current && r.ok) setSubs((cur) => cur ?? r.data.subscriptions)
      },
      () => undefined,
    )
    return () => {
      alive.current = false
    }
  }, [])

  const onTap = () => {
    setError(null)
    setBusy(true)
    // Called straight from the tap, nothing awaited before it (WeChat's tap-only rule).
    const pending = requestReminderSubscriptions()
    void pending.then(
      (r) => {
        if (!alive.current) return
        setBusy(false)
        if (r.ok) {
          setOutcome(r.data)
          setSubs(r.data.subscriptions)
        } else setError(r.error)
      },
      () => {
        if (!alive.current) return
        setBusy(false)
        setError({ code: 'SERVICE_UNAVAILABLE', message: '没能开启提醒，请稍后再点一次' })
      },
    )
  }

  const on = subs ? remindersOn(subs) : false
  const state = subs === null ? 'unknown' : on ? 'on' : 'off'
  const refused = outcome?.refused ?? []

  return (
    <View className={`yl-subscribe${on ? ' yl-subscribe--on' : ''}`} data-testid={testId} data-state={state}>
      <Text className='yl-subscribe__title'>
        <Phrases text={SUBSCRIBE_TITLE_PHRASES} />
      </Text>
      <BulletList className='yl-subscribe__lines' items={SUBSCRIBE_LINES} />
      <Text className='yl-subscribe__how'>{SUBSCRIBE_HOW}</Text>

      {subs ? (
        <View data-testid='subscribe-state'>
          <Text className={`yl-subscribe__state${on ? ' yl-subscribe__state--on' : ''}`} data-testid='subscribe-state-label'>
            {on ? '✓ 已开启提醒' : '还没有开启提醒'}
          </Text>
          {subs.map((s) => (
            <Text className='yl-subscribe__credit' key={s.kind} data-testid={`subscribe-credit-${s.kind}`}>
              <Phrases text={creditPhrases(s)} />
            </Text>
          ))}
        </View>
      ) : null}

      {outcome?.note ? (
        <Text className='yl-subscribe__note' data-testid='subscribe-note'>
          {outcome.note}
        </Text>
      ) : null}
      {refused.length > 0 ? (
        <Text className='yl-subscribe__how' data-testid='subscribe-refused'>
          {`您没有同意：${refused.map((k) => TEMPLATE_TITLES[k]).join('、')}。需要时可以再点一次。`}
        </Text>
      ) : null}
      {error ? (
        <Text className='yl-subscribe__error' data-testid='subscribe-error' data-code={error.code}>
          ! {error.message}
        </Text>
      ) : null}

      <BigButton label={on ? BUTTON_ON : BUTTON_OFF} size={size} variant={variant} busy={busy} busyLabel={BUTTON_BUSY} onClick={onTap} testId='subscribe-button' />
    </View>
  )
}

export default SubscribeCard
