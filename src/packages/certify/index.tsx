/**
 * 认证须知. The first screen (390×844, also at the largest text) shows whose certification it is and
 * 开始认证, which first checks the camera permission and, after a refusal, explains how to allow it
 * in its place (on weapp the button opens the settings; the tap itself calls openSetting). Below it:
 * a line saying there is more below, the details of the greeting, 谨防诈骗, and the explanations —
 * why (每年一次 / 未认证暂停发放 / 通过后次月恢复并补发), how (光线、背景、框内、其他人员不要进入画面),
 * who holds the phone (the default already right for the page: 前置 for the person, 后置 for 帮TA认证)
 * and why the camera.
 *
 * The same page is the landing of share cards (?share=<token>), printed-notice codes (?scene=n%3D<code>,
 * on weapp decodeURIComponent(options.scene)) and 帮TA认证 from the 家人 list (?relative=<id>): it first
 * says whose certification it is (「张*华的养老资格认证 · 来自您的子女」), or why the card / code cannot be
 * used and what to do instead, and passes the subject on to the camera page (flow/subject.ts).
 */
import { useCallback, useEffect, useRef, useState } from 'react'
import { Text, View } from '@tarojs/components'
import { BigButton } from '@/components/BigButton'
import { ChoiceGroup } from '@/components/ChoiceGroup'
import { ErrorBanner } from '@/components/ErrorBanner'
import { Notice } from '@/components/Notice'
import { PageShell } from '@/components/PageShell'
import { Phrases, phrasedText, type PhrasedText } from '@/components/Phrases'
import { SCAM_TITLE, ScamNotice, scamNoticeSentences, type AgencyInfo } from '@/components/ScamNotice'
import { CERT_STATUS_LABELS, SUSPENDED_BEFORE_DEADLINE_LABEL } from '@/core/contracts/common'
import { appError, type AppError, type ErrorCode, type Result } from '@/core/errors'
import type { AsyncState } from '@/hooks/useAsync'
import { openCameraSettings, requestCameraPermission } from '@/services/camera-permission'
import { listRelatives, openShare, resolveNotice } from '@/services/family'
import { formatChinaDate } from '@/core/dates'
import { backHome, currentParams, navigateTo, navigateWithQuery, ROUTES } from '@/services/navigation'
import { preloadFaceTracker } from '@/liveness/create-source'
import { currentPlatform } from '@/services/platform'
import { speak } from '@/services/speech'
import {
  CAMERA_WHY,
  FACING_CHOICES,
  HELPER_CAMERA_WHY,
  HELPER_FACING_CHOICES,
  NOTICE_HOW,
  NOTICE_WHY,
  PERMISSION_DENIED_TITLE_PHRASES,
  permissionDeniedSpeech,
  permissionDeniedSteps,
  SCROLL_HINT,
  SCROLL_HINT_PHRASES,
  speechOf,
  type Facing,
} from './flow/texts'
import { rememberFacing } from './flow/result-store'
import { KeepDates } from '@/components/KeepDates'
import { subjectFromParams, subjectQuery, subjectWellFormed, type CertSubject } from './flow/subject'
import { listUnitMembers } from '@/services/unit-admin'
import './prompt-audio'
import './index.scss'

function List({ title, items, testId }: { title: string; items: readonly string[]; testId: string }) {
  return (
    <View className='yl-cert-list' data-testid={testId}>
      <Text className='yl-cert-list__title'>{title}</Text>
      {items.map((t, i) => (
        <View className='yl-cert-list__item' key={t}>
          <Text className='yl-cert-list__num'>{i + 1}.</Text>
          <Text className='yl-cert-list__text'>{t}</Text>
        </View>
      ))}
    </View>
  )
}

/** Whose certification this is, as the landing shows it. */
interface Greeting {
  /** 张*华的养老资格认证 */
  title: string
  /** 来自您的子女 / 2026年度认证通知单 / 由您帮父亲认证 (as phrases where it may wrap at 特大) */
  from: PhrasedText
  /** The details, below 开始认证. */
  lines: string[]
  /** Notice landing: the agency found by the server from the person's region (how to tell it is genuine). */
  agency?: AgencyInfo
}

/** Refusals that end the landing: the card or code cannot be used (no 重试 helps). */
const LANDING_REFUSALS: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  'SHARE_INVALID',
  'SHARE_EXPIRED',
  'SHARE_REVOKED',
  'SHARE_USED',
  'NOTICE_INVALID',
  'NOTICE_ALREADY_CERTIFIED',
  'RELATIVE_NOT_FOUND',
  'UNIT_MEMBER_NOT_FOUND',
  'UNIT_ADMIN_NOT_APPOINTED',
])
/** …of which these mean "already done": said calmly, with a ✓. */
const ALREADY_DONE: ReadonlySet<ErrorCode> = new Set<ErrorCode>(['SHARE_USED', 'NOTICE_ALREADY_CERTIFIED'])

const REFUSAL_TITLES: Partial<Record<ErrorCode, PhrasedText>> = {
  SHARE_INVALID: '这个分享链接不能使用',
  SHARE_EXPIRED: '这个分享链接已过期',
  SHARE_REVOKED: '这个分享链接已撤回',
  SHARE_USED: '已经完成认证，无需再次认证',
  NOTICE_INVALID: '无法识别这个认证码',
  NOTICE_ALREADY_CERTIFIED: ['本年度', '已经', '完成认证'],
  RELATIVE_NOT_FOUND: '没有找到这位家人',
}

const SELF: Greeting | null = null

/**
 * The deadline line: 请在…前完成认证, or — when it has passed and payment is suspended — that it has
 * passed and to certify soon (a past date after 请在 would read as a mistake). Suspended by the agency
 * before the deadline: the deadline stands, and certifying brings payment back.
 */
function deadlineLine(deadline: string, statusLabel: string): string {
  if (statusLabel === CERT_STATUS_LABELS.overdue_suspended) return `认证期限是${deadline}，已经过了，请尽快认证，认证后次月恢复发放`
  if (statusLabel === SUSPENDED_BEFORE_DEADLINE_LABEL) return `养老金已暂停发放，请在${deadline}前完成认证，认证后次月恢复发放`
  return `请在${deadline}前完成认证`
}

/** Whose certification: the share card, notice code or relative behind the page query. */
async function loadGreeting(subject: CertSubject): Promise<Result<Greeting | null>> {
  if (subject.kind === 'self') return { ok: true, data: SELF }
  if (!subjectWellFormed(subject)) {
    const code: ErrorCode = subject.kind === 'share' ? 'SHARE_INVALID' : subject.kind === 'notice' ? 'NOTICE_INVALID' : subject.kind === 'unit' ? 'UNIT_MEMBER_NOT_FOUND' : 'RELATIVE_NOT_FOUND'
    return { ok: false, error: appError(code) }
  }
  if (subject.kind === 'share') {
    const r = await openShare(subject.token)
    if (!r.ok) return r
    const d = r.data
    return {
      ok: true,
      data: {
        title: d.title,
        from: d.fromText,
        lines: [deadlineLine(d.nextDueDeadlineLabel, d.statusLabel), `认证状态：${d.statusLabel}`, `这个链接 ${formatChinaDate(d.expiresAt)} 前有效`],
      },
    }
  }
  if (subject.kind === 'unit') {
    // 单位专管员: the member from the unit list (masked); the backend checks the appointment again at start.
    const r = await listUnitMembers()
    if (!r.ok) return r
    const m = r.data.members.find((x) => x.memberRef === subject.memberRef)
    if (!m) return { ok: false, error: appError('UNIT_MEMBER_NOT_FOUND') }
    return {
      ok: true,
      data: {
        title: `${m.maskedName}的养老资格认证`,
        from: `由单位专管员帮助认证（${r.data.unitName}）`,
        lines: [deadlineLine(m.nextDueDeadlineLabel, m.statusLabel), `认证状态：${m.statusLabel}`, '请老人本人对着摄像头做动作，您帮忙拿手机。'],
      },
    }
  }
  if (subject.kind === 'notice') {
    const r = await resolveNotice(subject.code)
    if (!r.ok) return r
    const d = r.data
    return {
      ok: true,
      data: {
        title: `${d.maskedName}的养老资格认证`,
        from: [`${d.cycle}年度`, '认证通知单'],
        lines: [deadlineLine(d.nextDueDeadlineLabel, d.statusLabel), `认证状态：${d.statusLabel}`],
        agency: d.agency,
      },
    }
  }
  const r = await listRelatives()
  if (!r.ok) return r
  const rel = r.data.relatives.find((x) => x.relativeId === subject.relativeId)
  if (!rel) return { ok: false, error: appError('RELATIVE_NOT_FOUND') }
  return {
    ok: true,
    data: {
      title: `${rel.maskedName}的养老资格认证`,
      from: `由您帮${rel.relationLabel}认证`,
      lines: [deadlineLine(rel.nextDueDeadlineLabel, rel.statusLabel), `认证状态：${rel.statusLabel}`, '请家人本人对着摄像头做动作，您帮忙拿手机。'],
    },
  }
}

/** Above 开始认证: only whose certification it is, so the button stays on the first screen. */
function GreetingHead({ greeting }: { greeting: Greeting }) {
  return (
    <View className='yl-cert-who' data-testid='greeting'>
      <Text className='yl-cert-who__title'>{greeting.title}</Text>
      <Text className='yl-cert-who__from'>
        <Phrases text={greeting.from} />
      </Text>
    </View>
  )
}

function GreetingDetails({ greeting }: { greeting: Greeting }) {
  return (
    <View className='yl-cert-details' data-testid='greeting-details'>
      {greeting.lines.map((l) => (
        <Text className='yl-cert-details__line' key={l}>
          <KeepDates text={l} />
        </Text>
      ))}
    </View>
  )
}

function LandingRefused({ error, subject }: { error: AppError; subject: CertSubject }) {
  const done = ALREADY_DONE.has(error.code)
  return (
    <View data-testid='landing-refused' data-code={error.code}>
      <Notice tone={done ? 'success' : 'info'} title={REFUSAL_TITLES[error.code] ?? error.message}>
        {/* Our own sentence for the code; NOTICE_ALREADY_CERTIFIED with the day already certified (error-detail.ts). */}
        <Text className='yl-text' data-testid='landing-message'>
          <KeepDates text={error.message} />
        </Text>
        {subject.kind === 'share' && !done ? <Text className='yl-text'>请联系发给您的家人，让他在“家人”列表里重新发送一次。</Text> : null}
      </Notice>
      {subject.kind === 'relative' ? (
        <BigButton label={['返回', '家人列表']} size='main' onClick={() => void navigateTo(ROUTES.family)} testId='go-family' />
      ) : null}
      {subject.kind === 'unit' ? <BigButton label={['返回', '单位名单']} size='main' onClick={() => void navigateTo(ROUTES.unit)} testId='go-unit' /> : null}
      <BigButton label='返回首页' size={subject.kind === 'relative' || subject.kind === 'unit' ? 'normal' : 'main'} variant={subject.kind === 'relative' || subject.kind === 'unit' ? 'secondary' : 'primary'} onClick={() => void backHome()} testId='home' />
    </View>
  )
}

/** The landing's check (nothing to check for the 本人: ready at once, no request). */
function useLanding(subject: CertSubject): [AsyncState<Greeting | null>, () => void] {
  const [state, setState] = useState<AsyncState<Greeting | null>>(() => (subject.kind === 'self' ? { phase: 'ready', data: SELF } : { phase: 'loading' }))
  const seq = useRef(0)
  const run = useCallback(() => {
    if (subject.kind === 'self') return
    const mine = ++seq.current
    setState({ phase: 'loading' })
    loadGreeting(subject).then(
      (r) => {
        if (mine === seq.current) setState(r.ok ? { phase: 'ready', data: r.data } : { phase: 'error', error: r.error })
      },
      () => {
        if (mine === seq.current) setState({ phase: 'error', error: appError('SERVICE_UNAVAILABLE') })
      },
    )
  }, [subject])
  useEffect(() => {
    run()
    return () => {
      seq.current++
    }
  }, [run])
  return [state, run]
}

function landingSpeech(subject: CertSubject, state: AsyncState<Greeting | null>): string {
  if (subject.kind === 'self') return ''
  if (state.phase === 'loading') return '正在核对认证信息，请稍候。'
  if (state.phase === 'error') return `${state.error.message}。`
  const g = state.data
  return g ? speechOf([`${g.title}，${phrasedText(g.from)}`]) : ''
}

/** What 朗读 reads on the ready page, in the order it is shown. */
function pageSpeech(greeting: Greeting | null, helper: boolean): string {
  return speechOf([
    greeting ? [`${greeting.title}，${phrasedText(greeting.from)}`] : [],
    SCROLL_HINT,
    greeting ? greeting.lines : [],
    SCAM_TITLE,
    scamNoticeSentences(greeting?.agency),
    NOTICE_WHY.title,
    NOTICE_WHY.items,
    NOTICE_HOW.title,
    NOTICE_HOW.items,
    helper ? HELPER_CAMERA_WHY : CAMERA_WHY,
  ])
}

export default function CertifyNoticePage() {
  const [subject] = useState<CertSubject>(() => subjectFromParams(currentParams()))
  const [landing, reloadLanding] = useLanding(subject)
  // 帮TA认证: the helper holds the phone and films the relative (后置).
  const [facing, setFacing] = useState<Facing>(subject.kind === 'relative' || subject.kind === 'unit' ? 'back' : 'front')
  const [phase, setPhase] = useState<'ready' | 'checking' | 'denied'>('ready')
  const platform = currentPlatform()
  useEffect(preloadFaceTracker, [])

  const helper = subject.kind === 'relative' || subject.kind === 'unit'
  const go = () => {
    rememberFacing(facing)
    void navigateWithQuery(ROUTES.certifyCamera, { facing, ...subjectQuery(subject) })
  }

  const onStart = async () => {
    setPhase('checking')
    const p = await requestCameraPermission()
    if (p === 'denied') {
      setPhase('denied')
      speak(permissionDeniedSpeech(platform))
      return
    }
    setPhase('ready')
    go()
  }

  // Must run straight from the tap (WeChat opens settings only from a user gesture).
  const onOpenSettings = () => {
    void openCameraSettings().then((p) => {
      if (p === 'granted') {
        setPhase('ready')
        go()
      } else if (platform === 'h5' && p === 'prompt') {
        setPhase('ready')
        go()
      }
    })
  }

  const landingRefusal = landing.phase === 'error' && LANDING_REFUSALS.has(landing.error.code) ? landing.error : null
  const greeting = landing.phase === 'ready' ? landing.data : null
  const speech = landing.phase === 'ready' ? pageSpeech(greeting, helper) : landingSpeech(subject, landing)

  if (subject.kind !== 'self' && landing.phase !== 'ready') {
    return (
      <PageShell title='认证须知' speech={speech}>
        {landing.phase === 'loading' ? <Notice title='正在核对认证信息…' testId='landing-loading' /> : null}
        {landingRefusal ? <LandingRefused error={landingRefusal} subject={subject} /> : null}
        {landing.phase === 'error' && !landingRefusal ? (
          <View data-testid='landing-error'>
            <ErrorBanner error={landing.error} onRetry={reloadLanding} />
            <BigButton label='返回首页' variant='secondary' onClick={() => void backHome()} testId='home' />
          </View>
        ) : null}
      </PageShell>
    )
  }

  return (
    <PageShell title='认证须知' speech={speech}>
      {greeting ? <GreetingHead greeting={greeting} /> : null}

      {phase === 'denied' ? (
        <View className='yl-cert-denied' data-testid='permission-denied'>
          <Notice title={PERMISSION_DENIED_TITLE_PHRASES}>
            {permissionDeniedSteps(platform).map((s) => (
              <Text className='yl-cert-denied__line' key={s}>
                {s}
              </Text>
            ))}
          </Notice>
          <BigButton
            label={platform === 'h5' ? '重新检查' : ['去打开', '摄像头权限']}
            size='main'
            onClick={onOpenSettings}
            testId='open-settings'
          />
        </View>
      ) : (
        <BigButton label='开始认证' size='main' busy={phase === 'checking'} busyLabel='请稍候…' onClick={() => void onStart()} testId='start' />
      )}
      <Text className='yl-cert-more' data-testid='scroll-hint'>
        <Phrases text={[`↓ ${SCROLL_HINT_PHRASES[0]}`, ...SCROLL_HINT_PHRASES.slice(1)]} />
      </Text>

      {greeting ? <GreetingDetails greeting={greeting} /> : null}
      <ScamNotice agency={greeting?.agency} />

      <List title={NOTICE_WHY.title} items={NOTICE_WHY.items} testId='notice-why' />
      <List title={NOTICE_HOW.title} items={NOTICE_HOW.items} testId='notice-how' />

      <View data-testid='facing'>
        <ChoiceGroup<Facing>
          name='facing'
          label='谁拿手机'
          choices={(helper ? HELPER_FACING_CHOICES : FACING_CHOICES).map((c) => ({ value: c.value, label: `${c.label}（${c.detail}）` }))}
          value={facing}
          onChange={setFacing}
        />
      </View>

      <Notice title={['为什么', '要用摄像头']} testId='camera-why'>
        <Text>{helper ? HELPER_CAMERA_WHY : CAMERA_WHY}</Text>
      </Notice>

      {/* After reading (and perhaps changing 谁拿手机) no need to scroll back up. */}
      {phase === 'denied' ? (
        <Text className='yl-cert-more' data-testid='denied-see-top'>
          ↑ 摄像头没有打开，请看本页最上面的说明。
        </Text>
      ) : (
        <BigButton label='开始认证' size='main' busy={phase === 'checking'} busyLabel='请稍候…' onClick={() => void onStart()} testId='start-bottom' />
      )}
      <BigButton label='返回首页' variant='secondary' onClick={() => void backHome()} testId='home' />
    </PageShell>
  )
}
