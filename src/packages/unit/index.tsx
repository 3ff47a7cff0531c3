/**
 * 单位认证 (单位专管员): an account the agency appointed sees its unit's retirees — masked name and ID
 * number, the status in words with its own glyph and shape (never colour alone), the deadline as a
 * day — those who must certify first, and a big 帮TA认证 for each (the retiree's own face on this
 * phone, back camera; the certification pages take ?unit=<memberRef>). Without a live appointment
 * the page asks for the one-time invitation code from the agency (no openid ever shown).
 */
import { useState } from 'react'
import { Text, View } from '@tarojs/components'
import { BigButton } from '@/components/BigButton'
import { ErrorBanner } from '@/components/ErrorBanner'
import { Field } from '@/components/Field'
import { KeepDates } from '@/components/KeepDates'
import { Notice } from '@/components/Notice'
import { PageShell } from '@/components/PageShell'
import { PersonCard } from '@/components/PersonCard'
import type { UnitMemberView, UnitMembersView } from '@/core/contracts/unit-admin'
import { appError, type AppError, type Result } from '@/core/errors'
import { useAsync } from '@/hooks/useAsync'
import { useReloadOnShow } from '@/hooks/useReloadOnShow'
import { backHome, navigateWithQuery, ROUTES } from '@/services/navigation'
import { speak } from '@/services/speech'
import { claimUnitInvite, listUnitMembers, unitAdminStatus } from '@/services/unit-admin'
import { awaitingReviewLine } from '@/components/StatusCard/look'
import { CLAIM_INTRO, HELP_LINE, memberDeadline, needsHelp, unitHeadLines, unitSpeech } from './texts'
import './index.scss'

type PageData = { appointed: false } | { appointed: true; view: UnitMembersView }

async function load(): Promise<Result<PageData>> {
  const s = await unitAdminStatus()
  if (!s.ok) return s
  if (!s.data.appointed) return { ok: true, data: { appointed: false } }
  const m = await listUnitMembers()
  if (!m.ok) return m.error.code === 'UNIT_ADMIN_NOT_APPOINTED' ? { ok: true, data: { appointed: false } } : m
  return { ok: true, data: { appointed: true, view: m.data } }
}

function MemberItem({ member }: { member: UnitMemberView }) {
  return (
    <PersonCard
      status={member.status}
      name={member.maskedName}
      statusLabel={member.statusLabel}
      testIds={{ card: 'unit-member', icon: 'unit-member-icon', name: 'unit-member-name', status: 'unit-member-status' }}
    >
      <Text className='yl-person-card__line'>
        身份证号：<Text className='yl-person-card__id'>{member.maskedIdNumber}</Text>
      </Text>
      <Text className='yl-person-card__line'>
        <KeepDates text={memberDeadline(member)} />
      </Text>
      {member.awaitingReview ? (
        <Text className='yl-person-card__line' data-testid='unit-member-awaiting'>
          {awaitingReviewLine(member.status)}
        </Text>
      ) : null}
      <View className='yl-person-card__buttons'>
        <BigButton
          label='帮TA认证'
          size={needsHelp(member) ? 'main' : 'normal'}
          variant={needsHelp(member) ? 'primary' : 'secondary'}
          onClick={() => void navigateWithQuery(ROUTES.certify, { unit: member.memberRef })}
          testId='unit-certify'
        />
      </View>
    </PersonCard>
  )
}

function ClaimForm({ onClaimed }: { onClaimed: () => void }) {
  const [code, setCode] = useState('')
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<AppError | undefined>()
  const submit = async () => {
    if (code.replace(/[\s-]/g, '').length !== 8) {
      const e = appError('UNIT_INVITE_INVALID')
      setError(e)
      speak(e.message)
      return
    }
    setBusy(true)
    setError(undefined)
    const r = await claimUnitInvite(code)
    setBusy(false)
    if (r.ok) onClaimed()
    else {
      // Every shown message is also said.
      setError(r.error)
      speak(r.error.message)
    }
  }
  return (
    <View data-testid='unit-claim'>
      <Notice title='单位专管员'>
        <Text className='yl-text'>{CLAIM_INTRO}</Text>
      </Notice>
      <Field name='code' label='邀请码（8 位）' value={code} onChange={setCode} maxLength={12} placeholder='例如 AB3D EF7H' error={error?.message} />
      <BigButton label='确认邀请码' size='main' busy={busy} busyLabel='正在核对…' onClick={() => void submit()} testId='unit-claim-submit' />
    </View>
  )
}

export default function UnitPage() {
  const [state, reload] = useAsync(load)
  // Back from a certification: read the list again.
  useReloadOnShow(reload)

  const speech =
    state.phase === 'ready'
      ? state.data.appointed
        ? unitSpeech(state.data.view)
        : `${CLAIM_INTRO}输入后请点击确认邀请码按钮。`
      : state.phase === 'error'
        ? `${state.error.message}。请点击重试按钮。`
        : '正在读取单位名单，请稍候。'

  return (
    <PageShell title='单位认证' speech={speech}>
      {state.phase === 'loading' ? <Notice title='正在读取单位名单…' testId='loading' /> : null}
      {state.phase === 'error' ? <ErrorBanner error={state.error} onRetry={reload} /> : null}
      {state.phase === 'ready' && !state.data.appointed ? <ClaimForm onClaimed={reload} /> : null}
      {state.phase === 'ready' && state.data.appointed ? (
        <View data-testid='unit'>
          <View className='yl-unit-head' data-testid='unit-head'>
            {unitHeadLines(state.data.view).map((l) => (
              <Text className='yl-text' key={l}>
                <KeepDates text={l} />
              </Text>
            ))}
            <Text className='yl-text'>{HELP_LINE}</Text>
          </View>
          {state.data.view.members.length === 0 ? (
            <Notice title='名单里还没有人' testId='empty'>
              <Text className='yl-text'>社保经办机构的名册里，这个单位现在没有退休人员。</Text>
            </Notice>
          ) : (
            <View data-testid='unit-list'>
              {state.data.view.members.map((m) => (
                <MemberItem key={m.memberRef} member={m} />
              ))}
            </View>
          )}
        </View>
      ) : null}
      <BigButton label='返回首页' variant='secondary' onClick={() => void backHome()} testId='home' />
    </PageShell>
  )
}
