/**
 * 发给TA自己认证: makes a share card for one relative (createShare: a signed, opaque token valid 7 days;
 * the path carries only that token) and lets the helper send it.
 *   weapp: the big 发给家人 button (open-type="share") and the 转发 menu hand WeChat {title, path} through
 *          useShareAppMessage (this page's config sets enableShareAppMessage: true);
 *   H5:    the full link (location.origin + path) with 复制链接.
 * 撤销 withdraws the card (revokeShare): the link then says it was withdrawn.
 */
import { useRef, useState } from 'react'
import { useShareAppMessage } from '@tarojs/taro'
import { Button, Text, View } from '@tarojs/components'
import { BigButton } from '@/components/BigButton'
import { ErrorBanner } from '@/components/ErrorBanner'
import { Notice } from '@/components/Notice'
import { PageShell } from '@/components/PageShell'
import { ScamNotice } from '@/components/ScamNotice'
import type { ShareCreatedView } from '@/core/contracts/share'
import type { AppError } from '@/core/errors'
import { SCAM_SHORT, scamNoticeSentences } from '@/core/scam'
import { useAsync } from '@/hooks/useAsync'
import { copyText } from '@/services/device'
import { createShare, revokeShare } from '@/services/family'
import { formatChinaDate } from '@/core/dates'
import { currentParams, goBack, ROUTES } from '@/services/navigation'
import { currentPlatform } from '@/services/platform'
import { SHARE_INTRO, SHARE_SAFETY } from './texts'
import './index.scss'

/** The link a browser opens: this app's origin + the card's path (only the opaque token in it). */
function shareUrl(path: string): string {
  const origin = typeof window !== 'undefined' && window.location ? window.location.origin : ''
  return `${origin}${path}`
}

/**
 * What travels with the card: whose certification and the safety line, since the card reaches the
 * parent alone and fake 认证 links are a known fraud.
 */
export function shareCardTitle(title: string): string {
  return `${title}｜${SCAM_SHORT}`
}

const CARD_TITLE_TAIL = ['养老', '资格认证'] as const

/** 张*华的养老资格认证 as its phrases: at 特大 it wraps as 张*华的养老 / 资格认证, never inside 资格. */
export function cardTitlePhrases(title: string): readonly string[] {
  const tail = CARD_TITLE_TAIL.join('')
  return title.endsWith(`的${tail}`) ? [title.slice(0, -tail.length), ...CARD_TITLE_TAIL] : [title]
}

/** What 复制链接 puts on the clipboard: the same words before the link, so a pasted message carries them. */
export function shareMessage(title: string, url: string): string {
  return `${title}（${SCAM_SHORT}）：${url}`
}

export default function SharePage() {
  const [relativeId] = useState(() => currentParams().relative ?? '')
  const [state, reload] = useAsync(() => createShare(relativeId))
  const [revoked, setRevoked] = useState(false)
  const [revoking, setRevoking] = useState(false)
  const [revokeError, setRevokeError] = useState<AppError | undefined>()
  const [copied, setCopied] = useState<'no' | 'yes' | 'failed'>('no')
  const platform = currentPlatform()

  const card: ShareCreatedView | null = state.phase === 'ready' && !revoked ? state.data : null
  const cardRef = useRef<ShareCreatedView | null>(null)
  cardRef.current = card

  // WeChat asks for the card when 发给家人 (open-type="share") or the 转发 menu is tapped.
  useShareAppMessage(() => {
    const c = cardRef.current
    return c ? { title: shareCardTitle(c.title), path: c.path } : { title: '银龄认证', path: ROUTES.home }
  })

  const copy = async (url: string) => {
    try {
      await copyText(url)
      setCopied('yes')
    } catch {
      setCopied('failed')
    }
  }

  const revoke = async (token: string) => {
    setRevoking(true)
    setRevokeError(undefined)
    const r = await revokeShare({ token })
    setRevoking(false)
    if (r.ok) setRevoked(true)
    else setRevokeError(r.error)
  }

  const again = () => {
    setRevoked(false)
    setCopied('no')
    reload()
  }

  const speech = card
    ? `${card.title}。${SHARE_INTRO}链接${formatChinaDate(card.expiresAt)}前有效。${platform === 'weapp' ? '请点击发给家人按钮。' : '请点击复制链接，再粘贴发给家人。'}${SHARE_SAFETY}${scamNoticeSentences().join('')}`
    : revoked
      ? '分享已撤销，这个链接不能再用了。'
      : state.phase === 'error'
        ? `${state.error.message}。`
        : '正在生成分享，请稍候。'

  return (
    <PageShell title='发给家人认证' speech={speech}>
      {state.phase === 'loading' ? <Notice title='正在生成分享…' testId='loading' /> : null}
      {state.phase === 'error' ? (
        <View data-testid='share-error' data-code={state.error.code}>
          <ErrorBanner error={state.error} onRetry={state.error.code === 'RELATIVE_NOT_FOUND' ? undefined : reload} />
        </View>
      ) : null}

      {card ? (
        <View data-testid='share-card'>
          <Notice title={cardTitlePhrases(card.title)} testId='share-title'>
            <Text className='yl-text'>{SHARE_INTRO}</Text>
            <Text className='yl-text' data-testid='share-expires'>
              链接 {formatChinaDate(card.expiresAt)} 前有效（7 天）。只有拿到链接的人能打开，链接里没有姓名和身份证号。
            </Text>
            <Text className='yl-text' data-testid='share-safety'>
              {SHARE_SAFETY}
            </Text>
          </Notice>
          {platform === 'weapp' ? (
            <Button className='yl-btn yl-btn--primary yl-btn--main' openType='share' data-testid='share-send'>
              发给家人
            </Button>
          ) : (
            <View data-testid='share-h5'>
              <Text className='yl-text'>把下面的链接发给家人（可以粘贴到微信里）：</Text>
              <Text className='yl-share-link' selectable userSelect data-testid='share-link'>
                {shareUrl(card.path)}
              </Text>
              <BigButton label='复制链接' size='main' onClick={() => void copy(shareMessage(card.title, shareUrl(card.path)))} testId='share-copy' />
              {copied === 'yes' ? (
                <Notice tone='success' title='已复制' testId='copied'>
                  <Text className='yl-text'>可以打开微信，粘贴发给家人了。</Text>
                </Notice>
              ) : null}
              {copied === 'failed' ? (
                <Notice title='没能自动复制' testId='copy-failed'>
                  <Text className='yl-text'>请长按上面的链接，选择“复制”。</Text>
                </Notice>
              ) : null}
            </View>
          )}
          {revokeError ? <ErrorBanner error={revokeError} /> : null}
          <BigButton label='撤销这个分享' variant='danger' busy={revoking} busyLabel='正在撤销…' onClick={() => void revoke(card.token)} testId='share-revoke' />
        </View>
      ) : null}

      {revoked ? (
        <View data-testid='share-revoked'>
          <Notice tone='success' title='分享已撤销'>
            <Text className='yl-text'>这个链接不能再用了。家人打开时会看到“家人已撤回这个分享链接”。</Text>
          </Notice>
          <BigButton label={['重新生成', '分享']} size='main' onClick={again} testId='share-again' />
        </View>
      ) : null}

      {card ? <ScamNotice /> : null}

      <BigButton label='返回家人列表' variant='secondary' onClick={() => void goBack()} testId='back' />
    </PageShell>
  )
}
