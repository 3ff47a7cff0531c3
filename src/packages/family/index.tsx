/**
 * 家人认证: the account's relatives (at most 8), each with the masked name, the relation, the deadline
 * as a day and the status in words with its own glyph and shape (never colour alone), and big buttons:
 * 帮TA认证 (代他人认证 on this phone, back camera by default), 发给TA自己认证 (a share card), 认证记录
 * (that relative's history, where a helper finds the record after 帮TA认证) and 移除 (with a confirm step). 添加家人 opens the add form; at the limit it says how to make room.
 */
import { useState } from 'react'
import { Text, View } from '@tarojs/components'
import { BigButton } from '@/components/BigButton'
import { ErrorBanner } from '@/components/ErrorBanner'
import { Notice } from '@/components/Notice'
import { PageShell } from '@/components/PageShell'
import { KeepDates } from '@/components/KeepDates'
import { PersonCard } from '@/components/PersonCard'
import { Phrases } from '@/components/Phrases'
import type { RelativeView } from '@/core/contracts/family'
import { ERROR_MESSAGES, type AppError } from '@/core/errors'
import { useAsync } from '@/hooks/useAsync'
import { useReloadOnShow } from '@/hooks/useReloadOnShow'
import { listRelatives, removeRelative } from '@/services/family'
import { backHome, navigateTo, navigateWithQuery, ROUTES } from '@/services/navigation'
import { AppealLine } from '@/components/AppealLine'
import { ERROR_HELP, FAMILY_INTRO, listSpeech, relativeLines, relativeTitle, REMOVE_CONFIRM_BODY } from './texts'
import './index.scss'

function RelativeItem({ relative, onRemoved }: { relative: RelativeView; onRemoved: () => void }) {
  const [confirming, setConfirming] = useState(false)
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<AppError | undefined>()

  const doRemove = async () => {
    setBusy(true)
    setError(undefined)
    const r = await removeRelative(relative.relativeId)
    setBusy(false)
    if (r.ok) {
      setConfirming(false)
      onRemoved()
    } else setError(r.error)
  }

  return (
    <PersonCard
      status={relative.status}
      name={relativeTitle(relative)}
      statusLabel={relative.statusLabel}
      testIds={{ card: 'relative', icon: 'relative-icon', name: 'relative-name', status: 'relative-status' }}
      data={{ 'data-relative-id': relative.relativeId }}
    >
      {relativeLines(relative).map((l) => (
        <Text className='yl-person-card__line' key={l}>
          <KeepDates text={l} />
        </Text>
      ))}
      {error ? <ErrorBanner error={error} /> : null}
      {confirming ? (
        <View className='yl-rel__confirm' data-testid='remove-confirm'>
          <Text className='yl-section-title'>确定要移除{relativeTitle(relative)}吗？</Text>
          <Text className='yl-text'>{REMOVE_CONFIRM_BODY}</Text>
          <BigButton label='确定移除' variant='danger' busy={busy} busyLabel='正在移除…' onClick={() => void doRemove()} testId='remove-yes' />
          <BigButton label='不移除，返回' variant='secondary' onClick={() => setConfirming(false)} testId='remove-no' />
        </View>
      ) : (
        <View className='yl-person-card__buttons'>
          <BigButton
            label='帮TA认证'
            size='main'
            onClick={() => void navigateWithQuery(ROUTES.certify, { relative: relative.relativeId })}
            testId='certify-for'
          />
          <BigButton
            label='发给TA自己认证'
            variant='secondary'
            onClick={() => void navigateWithQuery(ROUTES.familyShare, { relative: relative.relativeId })}
            testId='share'
          />
          <BigButton
            label='认证记录'
            variant='secondary'
            onClick={() => void navigateWithQuery(ROUTES.records, { relative: relative.relativeId })}
            testId='relative-records'
          />
          <AppealLine relativeId={relative.relativeId} />
          <BigButton label='移除' variant='danger' onClick={() => setConfirming(true)} testId='remove' />
        </View>
      )}
    </PersonCard>
  )
}

export default function FamilyPage() {
  const [state, reload] = useAsync(listRelatives)
  // Back from 添加家人, a certification or the share page: read the list again.
  useReloadOnShow(reload)

  const speech =
    state.phase === 'ready'
      ? listSpeech(state.data.relatives, state.data.max)
      : state.phase === 'error'
        ? `${state.error.message}。请点击重试按钮。`
        : '正在读取家人列表，请稍候。'

  const full = state.phase === 'ready' && state.data.relatives.length >= state.data.max

  return (
    <PageShell title='家人认证' speech={speech}>
      {state.phase === 'loading' ? <Notice title='正在读取家人列表…' testId='loading' /> : null}
      {state.phase === 'error' ? <ErrorBanner error={state.error} onRetry={reload} /> : null}

      {state.phase === 'ready' ? (
        <View data-testid='family'>
          {state.data.relatives.length === 0 ? (
            <Notice title='您还没有添加家人' testId='empty'>
              <Text className='yl-text'>{FAMILY_INTRO}</Text>
            </Notice>
          ) : (
            <View data-testid='relative-list'>
              <Text className='yl-text' data-testid='count'>
                <Phrases text={[`已添加 ${state.data.relatives.length} 位家人，`, `最多可以添加 ${state.data.max} 位。`]} />
              </Text>
              {state.data.relatives.map((r) => (
                <RelativeItem key={r.relativeId} relative={r} onRemoved={reload} />
              ))}
            </View>
          )}
          {full ? (
            <Notice title='家人已满 8 位' testId='limit'>
              <Text className='yl-text'>{ERROR_MESSAGES.RELATIVES_LIMIT}</Text>
              <Text className='yl-text'>{ERROR_HELP.RELATIVES_LIMIT}</Text>
            </Notice>
          ) : (
            <BigButton
              label='添加家人'
              size={state.data.relatives.length === 0 ? 'main' : 'normal'}
              variant={state.data.relatives.length === 0 ? 'primary' : 'secondary'}
              onClick={() => void navigateTo(ROUTES.familyAdd)}
              testId='add'
            />
          )}
        </View>
      ) : null}

      <BigButton label='返回首页' variant='secondary' onClick={() => void backHome()} testId='home' />
    </PageShell>
  )
}
