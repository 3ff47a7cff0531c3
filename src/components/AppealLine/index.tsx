/**
 * The 申诉 / 上门认证 line of 首页 and of a 家人 entry: the latest appeal's state in words (已提交 → 处理中
 * → 已安排上门（日期） → 已完成 / 未通过 and why), and the way in (我要申诉 / 申请上门认证, always offered).
 * `onSentence` hands the shown sentence to the page, so its 朗读 reads it too.
 */
import { useEffect } from 'react'
import { Text, View } from '@tarojs/components'
import type { AppealKind, AppealView } from '@/core/contracts/appeals'
import { useAsync } from '@/hooks/useAsync'
import { getAppeal } from '@/services/appeal'
import { navigateWithQuery, ROUTES } from '@/services/navigation'
import { BigButton } from '../BigButton'
import { Notice, type NoticeTone } from '../Notice'

const OPEN = ['submitted', 'processing', 'visit_scheduled']

/** A kind's label as its phrases: at 特大 申请上门认证 wraps as 申请 / 上门认证, not 申请上 / 门认证. */
const KIND_PHRASES: Partial<Record<AppealKind, readonly string[]>> = { home_visit: ['申请', '上门认证'] }

export function appealKindPhrases(a: AppealView): readonly string[] {
  return KIND_PHRASES[a.kind] ?? [a.kindLabel]
}

/** How an appeal's state is shown: done is good news, refused needs the person's attention, the rest is under way. */
export function appealTone(a: AppealView): NoticeTone {
  return a.state === 'completed' ? 'success' : a.state === 'rejected' ? 'warning' : 'info'
}

/** 申请上门认证：已安排上门（日期）, as phrases for the card's heading. */
export function appealLinePhrases(a: AppealView): readonly string[] {
  const kind = appealKindPhrases(a)
  return [...kind.slice(0, -1), `${kind[kind.length - 1]}：`, `${a.stateLabel}${a.state === 'visit_scheduled' && a.visitDate ? `（${a.visitDate}）` : ''}`]
}

export function AppealLine({ relativeId, onSentence }: { relativeId?: string; onSentence?: (sentence: string) => void }) {
  const [state] = useAsync(() => getAppeal(relativeId))
  const appeal = state.phase === 'ready' ? state.data.appeal : undefined
  useEffect(() => {
    if (appeal) onSentence?.(appeal.sentence)
  }, [appeal?.appealId, appeal?.state])
  const open = appeal && OPEN.includes(appeal.state)
  return (
    <View className='yl-appeal-line' data-testid={relativeId ? `appeal-line-${relativeId}` : 'appeal-line'} data-state={appeal?.state ?? 'none'}>
      {appeal ? (
        <Notice tone={appealTone(appeal)} title={appealLinePhrases(appeal)} testId='appeal-state-label'>
          <Text className='yl-text'>{appeal.sentence}</Text>
        </Notice>
      ) : null}
      <BigButton
        label={open ? '查看申诉进度' : '我要申诉 / 申请上门认证'}
        variant='secondary'
        onClick={() => void navigateWithQuery(ROUTES.appeal, relativeId ? { relative: relativeId } : undefined)}
        testId={relativeId ? `go-appeal-${relativeId}` : 'go-appeal'}
      />
    </View>
  )
}
