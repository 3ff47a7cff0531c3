/**
 * 认证结果: whose certification it was (张*华), then 认证通过 with the next deadline as a day (and, when
 * the pension was suspended, 次月恢复发放并补发 N 个月); 人工审核中 explained; 本期已认证 when a certified
 * person's voluntary retry did not pass; or 认证未通过 with the reason in plain words and 重新认证
 * (straight back to the camera) — from the third failure of the day also 我要申诉 and the offline
 * ways. 查看认证记录 leads where the records of THIS person are: the caller's own, the 家人's, or nowhere
 * for a parent who came from a share card or a notice (no binding asked for). Everything shown is
 * read aloud when the page opens, in order; the scam notice comes last.
 */
import { useEffect, useState } from 'react'
import { Text, View } from '@tarojs/components'
import { BigButton } from '@/components/BigButton'
import { BulletList } from '@/components/BulletList'
import { Notice } from '@/components/Notice'
import { PageShell } from '@/components/PageShell'
import { SCAM_TITLE, ScamNotice, scamNoticeSentences } from '@/components/ScamNotice'
import { SubscribeCard } from '@/components/SubscribeCard'
import { SUBSCRIBE_HOW, SUBSCRIBE_LINES, SUBSCRIBE_TITLE } from '@/components/SubscribeCard/texts'
import { backHome, currentParams, navigateTo, navigateWithQuery, replacePage, ROUTES } from '@/services/navigation'
import { hasPromptAudio, speak, speechAvailable } from '@/services/speech'
import { readResult, retryFacing } from './flow/result-store'
import { KeepDates } from '@/components/KeepDates'
import { readPageAloud } from './flow/result-reader'
import { resultViewModel, type RecordsLink } from './flow/result-view'
import { subjectFromParams, subjectQuery } from './flow/subject'
import { APPEAL_WITHOUT_ACCOUNT, OFFLINE_WAYS_TITLE, speechOf } from './flow/texts'
import './prompt-audio'
import './result.scss'

const SCAM_SPOKEN = [SCAM_TITLE, ...scamNoticeSentences()]

function openRecords(records: RecordsLink): void {
  if (records.kind === 'relative') void navigateWithQuery(ROUTES.records, { relative: records.relativeId })
  else if (records.kind === 'self') void navigateTo(ROUTES.records)
}

export default function CertifyResultPage() {
  const [params] = useState(() => currentParams())
  const [subject] = useState(() => subjectFromParams(params))
  const [result] = useState(() => readResult(params.r))
  const [appealOpen, setAppealOpen] = useState(false)
  const vm = result ? resultViewModel(result, subject) : null
  const subscribe = vm?.showSubscribe && result?.result === 'passed'
  const spoken = vm ? [...vm.spoken, ...(subscribe ? [SUBSCRIBE_TITLE, ...SUBSCRIBE_LINES, SUBSCRIBE_HOW] : []), ...SCAM_SPOKEN] : []
  const speech = speechOf(spoken)

  // Once, when the page opens: the answer does not change while it is shown.
  useEffect(() => {
    if (!vm) return undefined
    return readPageAloud(speech, vm.clips, { speak, hasVoice: speechAvailable, hasClip: hasPromptAudio })
  }, [])

  if (!vm) {
    return (
      <PageShell title='认证结果' speech='认证结果已经保存，可以在认证记录里查看。'>
        <Notice title='认证结果已经保存' testId='result-missing'>
          <Text>请在“认证记录”里查看这次认证的结果。</Text>
        </Notice>
        <BigButton label={['查看', '认证记录']} size='main' onClick={() => void navigateTo(ROUTES.records)} testId='go-records' />
        <BigButton label='返回首页' variant='secondary' onClick={() => void backHome()} testId='home' />
      </PageShell>
    )
  }

  // 1 tap back to the camera with the same person and camera (not through 认证须知 again).
  const retry = () => void replacePage(ROUTES.certifyCamera, { facing: retryFacing(params.facing, subject), ...subjectQuery(subject) })
  // 我要申诉 / 申请上门认证 for 本人 or the relative certified here; a share card or notice has no account to file with.
  const openAppeal = () => {
    if (subject.kind === 'self') return void navigateTo(ROUTES.appeal)
    if (subject.kind === 'relative') return void navigateWithQuery(ROUTES.appeal, { relative: subject.relativeId })
    setAppealOpen(true)
    speak(APPEAL_WITHOUT_ACCOUNT)
  }

  return (
    <PageShell title='认证结果' speech={speech}>
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
      {subscribe ? <SubscribeCard size='normal' /> : null}

      {vm.showRetry ? <BigButton label='重新认证' size='main' onClick={retry} testId='recertify' /> : null}

      {vm.showAppeal ? (
        <View data-testid='appeal'>
          <BigButton label='我要申诉 / 申请上门认证' variant='secondary' onClick={openAppeal} testId='appeal-button' />
          {appealOpen ? (
            <Notice title='申诉' testId='appeal-soon'>
              <Text>{APPEAL_WITHOUT_ACCOUNT}</Text>
            </Notice>
          ) : null}
          <View className='yl-result__ways' data-testid='offline-ways'>
            <Text className='yl-result__ways-title'>{OFFLINE_WAYS_TITLE}</Text>
            <BulletList items={vm.offlineWays} />
          </View>
        </View>
      ) : null}

      {vm.records.kind !== 'none' ? (
        <BigButton
          label={vm.records.kind === 'relative' ? '查看家人的认证记录' : '查看认证记录'}
          variant='secondary'
          onClick={() => openRecords(vm.records)}
          testId='go-records'
        />
      ) : null}
      {subject.kind === 'unit' ? <BigButton label='返回单位名单' variant='secondary' onClick={() => void navigateTo(ROUTES.unit)} testId='go-unit' /> : null}
      <BigButton label='返回首页' variant={vm.showRetry ? 'secondary' : 'primary'} size={vm.showRetry ? 'normal' : 'main'} onClick={() => void backHome()} testId='home' />

      <ScamNotice />
    </PageShell>
  )
}

/**
 * A 'label：value' line keeps a short value (a date, a name) in one piece, so at the largest text
 * "2027年12月" moves to the next line whole instead of breaking after its first digit; a longer line
 * keeps each date in it whole.
 */
function LineText({ line }: { line: string }) {
  const i = line.indexOf('：')
  const value = i >= 0 ? line.slice(i + 1) : ''
  if (i >= 0 && value.length > 0 && value.length <= 12) {
    return (
      <>
        {line.slice(0, i + 1)}
        <Text className='yl-result__value'>{value}</Text>
      </>
    )
  }
  return <KeepDates text={line} className='yl-result__value' />
}
