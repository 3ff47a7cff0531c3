/**
 * 我要申诉 / 申请上门认证 (issue 16): for the bound 本人, or with ?relative=<relativeId> for a 家人.
 * Reached from the certification result after failures, from 首页 and from the 家人 list. With an
 * appeal still open it shows that one (one open appeal per person); otherwise: what to do (上门 or
 * 申诉, big radio cards), why, a contact phone (a mainland mobile or a landline with its area code),
 * for 上门 the address → a confirm screen (written and spoken, the phone masked) → 已提交. Tapping
 * 确认提交 also asks WeChat for the 申诉进度通知 subscription (before anything is awaited).
 */
import { useState } from 'react'
import { Text, View } from '@tarojs/components'
import { BigButton } from '@/components/BigButton'
import { appealKindPhrases, appealTone } from '@/components/AppealLine'
import { ChoiceGroup } from '@/components/ChoiceGroup'
import { ErrorBanner } from '@/components/ErrorBanner'
import { Field } from '@/components/Field'
import { Notice } from '@/components/Notice'
import { PageShell } from '@/components/PageShell'
import type { PhrasedText } from '@/components/Phrases'
import type { AppealKind, AppealReason, AppealView } from '@/core/contracts/appeals'
import type { AppError } from '@/core/errors'
import { useAsync } from '@/hooks/useAsync'
import { fileAppeal, getAppeal } from '@/services/appeal'
import { backHome, currentParams } from '@/services/navigation'
import { speak } from '@/services/speech'
import { requestAppealSubscription } from '@/services/subscribe'
import { APPEAL_FREE, APPEAL_INTRO, appealLine, confirmLines, confirmSpeech, doneSpeech, formErrors, KIND_CHOICES, REASON_CHOICES, type AppealForm, type FormErrors } from './texts'

const EMPTY: AppealForm = { kind: '', reason: '', note: '', phone: '', address: '' }

function AppealState({ appeal, title }: { appeal: AppealView; title: PhrasedText }) {
  return (
    <View data-testid='appeal-state' data-state={appeal.state}>
      <Notice tone={appealTone(appeal)} title={title}>
        <Text className='yl-text' data-testid='appeal-line'>
          {appealLine(appeal)}
        </Text>
        <Text className='yl-text' data-testid='appeal-sentence'>
          {appeal.sentence}
        </Text>
        <Text className='yl-text'>联系电话：{appeal.phoneMasked}</Text>
      </Notice>
    </View>
  )
}

export default function AppealPage() {
  const [relativeId] = useState(() => currentParams().relative || undefined)
  const [preset] = useState(() => currentParams().kind)
  const whose = relativeId ? '我的家人' : '本人'
  const [existing] = useAsync(() => getAppeal(relativeId))
  const [form, setForm] = useState<AppealForm>({ ...EMPTY, kind: preset === 'home_visit' || preset === 'appeal' ? preset : '' })
  const [shown, setShown] = useState(false)
  const [step, setStep] = useState<'form' | 'confirm'>('form')
  const [busy, setBusy] = useState(false)
  const [serverError, setServerError] = useState<AppError | undefined>()
  const [filed, setFiled] = useState<AppealView | undefined>()

  const errors: FormErrors = shown ? formErrors(form) : {}
  const set = (patch: Partial<AppealForm>) => setForm((f) => ({ ...f, ...patch }))

  const toConfirm = () => {
    setShown(true)
    setServerError(undefined)
    const e = formErrors(form)
    const messages = Object.values(e)
    if (messages.length > 0) {
      speak(messages.join('。'))
      return
    }
    setStep('confirm')
    speak(confirmSpeech(confirmLines(form, whose)))
  }

  const submit = () => {
    // Tap-only: WeChat shows the subscription dialog only when asked straight from the tap.
    const subscribed = requestAppealSubscription()
    setBusy(true)
    void (async () => {
      await subscribed.catch(() => false)
      const r = await fileAppeal({
        ...(relativeId ? { relativeId } : {}),
        kind: form.kind as AppealKind,
        reason: form.reason as AppealReason,
        ...(form.reason === 'other' ? { note: form.note.trim() } : {}),
        phone: form.phone,
        ...(form.kind === 'home_visit' ? { address: form.address.trim() } : {}),
      })
      setBusy(false)
      if (r.ok) {
        setFiled(r.data)
        speak(doneSpeech(r.data))
        return
      }
      setServerError(r.error)
      setStep('form')
      speak(r.error.message)
    })()
  }

  if (filed) {
    return (
      <PageShell title='已提交' speech={doneSpeech(filed)}>
        <View data-testid='appeal-done'>
          <AppealState appeal={filed} title={[...appealKindPhrases(filed), '已提交']} />
          <Text className='yl-text'>您可以在首页看到办理进度。</Text>
          <BigButton label='返回首页' size='main' onClick={() => void backHome()} testId='home' />
        </View>
      </PageShell>
    )
  }

  if (existing.phase === 'loading') {
    return (
      <PageShell title='申诉 / 上门认证' speech='正在读取，请稍候。'>
        <Notice title='正在读取…' testId='loading'>
          <Text>请稍候。</Text>
        </Notice>
      </PageShell>
    )
  }

  if (existing.phase === 'error') {
    return (
      <PageShell title='申诉 / 上门认证' speech={`${existing.error.message}。`}>
        <ErrorBanner error={existing.error} />
        <BigButton label='返回首页' variant='secondary' onClick={() => void backHome()} testId='home' />
      </PageShell>
    )
  }

  const open = existing.data.appeal && ['submitted', 'processing', 'visit_scheduled'].includes(existing.data.appeal.state) ? existing.data.appeal : undefined
  if (open) {
    return (
      <PageShell title='申诉 / 上门认证' speech={`已经有一件${open.kindLabel}在办理中，不用重复提交。${open.sentence}`}>
        <AppealState appeal={open} title='已经有一件在办理中，不用重复提交' />
        <BigButton label='返回首页' size='main' onClick={() => void backHome()} testId='home' />
      </PageShell>
    )
  }

  if (step === 'confirm') {
    const lines = confirmLines(form, whose)
    return (
      <PageShell title='请核对' speech={confirmSpeech(lines)}>
        <View data-testid='appeal-confirm'>
          <Notice title='请核对以下内容'>
            {lines.map((l) => (
              <Text className='yl-text' key={l}>
                {l}
              </Text>
            ))}
          </Notice>
          <BigButton label='确认提交' size='main' busy={busy} busyLabel='正在提交…' onClick={submit} testId='submit' />
          <BigButton label='返回修改' variant='secondary' onClick={() => setStep('form')} testId='edit' />
        </View>
      </PageShell>
    )
  }

  const speech = serverError ? `${serverError.message}。` : `${APPEAL_INTRO}${APPEAL_FREE}${shown && Object.values(errors).length ? Object.values(errors).join('。') + '。' : ''}填好后请点击下一步。`
  return (
    <PageShell title='申诉 / 上门认证' speech={speech}>
      <View data-testid='appeal-form'>
        <Text className='yl-text'>{APPEAL_INTRO}</Text>
        {existing.data.appeal ? <AppealState appeal={existing.data.appeal} title='上一次的办理结果' /> : null}
        <ChoiceGroup<AppealKind> name='kind' label='您要办理（请选择一项）' choices={KIND_CHOICES} value={form.kind} onChange={(kind) => set({ kind })} error={errors.kind} />
        <ChoiceGroup<AppealReason> name='reason' label='原因（请选择一项）' choices={REASON_CHOICES} value={form.reason} onChange={(reason) => set({ reason })} error={errors.reason} />
        {form.reason === 'other' ? <Field name='note' label='请写一句说明' value={form.note} maxLength={100} multiline onChange={(note) => set({ note })} error={errors.note} /> : null}
        <Field
          name='phone'
          label='联系电话'
          value={form.phone}
          maxLength={20}
          placeholder='手机号或固定电话'
          hint={<Text>工作人员会打这个电话联系您。号码加密保存，只显示前三位和后四位。</Text>}
          onChange={(phone) => set({ phone })}
          error={errors.phone}
        />
        {form.kind === 'home_visit' ? (
          <Field name='address' label='上门地址（详细到门牌号）' value={form.address} maxLength={100} multiline onChange={(address) => set({ address })} error={errors.address} />
        ) : null}
        {serverError ? (
          <View data-testid='appeal-error' data-code={serverError.code}>
            <ErrorBanner error={serverError} />
          </View>
        ) : null}
        <Text className='yl-text'>{APPEAL_FREE}</Text>
        <BigButton label='下一步' size='main' onClick={toConfirm} testId='next' />
        <BigButton label='返回首页' variant='secondary' onClick={() => void backHome()} testId='home' />
      </View>
    </PageShell>
  )
}
