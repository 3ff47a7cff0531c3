/**
 * 认证结果: 认证通过 with 下次认证日期 and 记录已保存 (and, when the pension was suspended, 次月恢复发放并
 * 补发 N 个月); 人工审核中 explained; or 认证未通过 with the reason in plain words and 重新认证 — from the
 * third failure of the day also 我要申诉 and the offline ways. Always 返回首页.
 */
import { useEffect, useState } from 'react'
import { Text, View } from '@tarojs/components'
import { BigButton } from '@/components/BigButton'
import { Notice } from '@/components/Notice'
import { PageShell } from '@/components/PageShell'
import { SubscribeCard } from '@/components/SubscribeCard'
import { backHome, currentParams, navigateTo, replacePage, ROUTES } from '@/services/navigation'
import { subjectFromParams, subjectQuery } from './flow/subject'
import { speak } from '@/services/speech'
import { readResult } from './flow/result-store'
import { resultViewModel } from './flow/result-view'
import { APPEAL_SOON, OFFLINE_WAYS } from './flow/texts'
import './prompt-audio'
import './result.scss'

/** Short phrases with recorded clips, said once when the page opens. */
const SAY_PASSED = '认证通过，记录已保存'
const SAY_FAILED = '认证未通过'
const SAY_PENDING = '正在核验，请稍等'

export default function CertifyResultPage() {
  const [result] = useState(() => readResult(currentParams().r))
  const [appealOpen, setAppealOpen] = useState(false)
  const vm = result ? resultViewModel(result) : null

  useEffect(() => {
    if (!result) return
    if (result.result === 'passed') speak(SAY_PASSED)
    else if (result.result === 'pending_review') speak(SAY_PENDING)
    else speak(result.reasonText || SAY_FAILED)
  }, [result])

  if (!vm) {
    return (
      <PageShell title='认证结果' speech='认证结果已经保存，可以在认证记录里查看。'>
        <Notice title='认证结果已经保存' testId='result-missing'>
          <Text>请在“认证记录”里查看这次认证的结果。</Text>
        </Notice>
        <BigButton label='查看认证记录' size='main' onClick={() => void navigateTo(ROUTES.records)} testId='go-records' />
        <BigButton label='返回首页' variant='secondary' onClick={() => void backHome()} testId='home' />
      </PageShell>
    )
  }

  return (
    <PageShell title='认证结果' speech={vm.speech}>
      <View className={`yl-result yl-result--${vm.tone}`} data-testid='result' data-result={result?.result}>
        <View className='yl-result__head'>
          <Text className='yl-result__mark'>{vm.mark}</Text>
          <Text className='yl-result__title' data-testid='result-title'>
            {vm.title}
          </Text>
        </View>
        {vm.lines.map((l) => (
          <Text className='yl-result__line' key={l}>
            <LineText line={l} />
          </Text>
        ))}
      </View>

      {/* After a pass: offer the reminders for next year (one tap asks WeChat). */}
      {result?.result === 'passed' ? <SubscribeCard size='normal' /> : null}

      {vm.showRetry ? <BigButton label='重新认证' size='main' onClick={() => void replacePage(ROUTES.certify, subjectQuery(subjectFromParams(currentParams())))} testId='recertify' /> : null}

      {vm.showAppeal ? (
        <View data-testid='appeal'>
          <BigButton label='我要申诉' variant='secondary' onClick={() => setAppealOpen(true)} testId='appeal-button' />
          {appealOpen ? (
            <Notice title='申诉' testId='appeal-soon'>
              <Text>{APPEAL_SOON}</Text>
            </Notice>
          ) : null}
          <View className='yl-result__ways' data-testid='offline-ways'>
            <Text className='yl-result__ways-title'>也可以换一种方式认证：</Text>
            {OFFLINE_WAYS.map((w) => (
              <Text className='yl-result__way' key={w}>
                · {w}
              </Text>
            ))}
          </View>
        </View>
      ) : null}

      <BigButton label='查看认证记录' variant='secondary' onClick={() => void navigateTo(ROUTES.records)} testId='go-records' />
      <BigButton label='返回首页' variant={vm.showRetry ? 'secondary' : 'primary'} size={vm.showRetry ? 'normal' : 'main'} onClick={() => void backHome()} testId='home' />
    </PageShell>
  )
}

/**
 * A 'label：value' line keeps a short value (a date, a name) in one piece, so at the largest text
 * "2027年12月" moves to the next line whole instead of breaking after its first digit.
 */
function LineText({ line }: { line: string }) {
  const i = line.indexOf('：')
  const value = i >= 0 ? line.slice(i + 1) : ''
  if (i < 0 || value.length === 0 || value.length > 12) return <>{line}</>
  return (
    <>
      {line.slice(0, i + 1)}
      <Text className='yl-result__value'>{value}</Text>
    </>
  )
}
