import { useState } from 'react'
import { Text, View } from '@tarojs/components'
import { BigButton } from '@/components/BigButton'
import { CardPicture } from '@/components/CardPicture'
import { ChoiceGroup } from '@/components/ChoiceGroup'
import { ErrorBanner } from '@/components/ErrorBanner'
import { Field } from '@/components/Field'
import { IdentityFields } from '@/components/IdentityFields'
import { Notice } from '@/components/Notice'
import { PageShell } from '@/components/PageShell'
import { Phrases } from '@/components/Phrases'
import type { StatusView } from '@/core/contracts/views'
import type { AppError } from '@/core/errors'
import { INSURANCE_LABELS, INSURANCE_TYPES, type InsuranceType } from '@/core/insurance'
import { useAsync } from '@/hooks/useAsync'
import { bindManual, getStatus, unbind } from '@/services/api'
import { backHome } from '@/services/navigation'
import { sscAuthorizer } from '@/services/ssc'
import { messageFor } from '@/hooks/useIdentityForm/rules'
import { useIdentityForm } from '@/hooks/useIdentityForm'
import './index.scss'

const INSURANCE_CHOICES = INSURANCE_TYPES.map((t) => ({ value: t, label: INSURANCE_LABELS[t] }))

const SPEECH_UNBOUND =
  '绑定社保卡。有两种方式。第一种：点击电子社保卡授权按钮。第二种：手动填写姓名、身份证号、社会保障卡号，并选择险种，然后点击确认绑定。社会保障卡号印在社保卡正面右下方。'

function BoundPanel({ status, onUnbound }: { status: Extract<StatusView, { bound: true }>; onUnbound: () => void }) {
  const [confirming, setConfirming] = useState(false)
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<AppError | undefined>()

  const doUnbind = async () => {
    setBusy(true)
    setError(undefined)
    const r = await unbind()
    setBusy(false)
    if (r.ok) onUnbound()
    else setError(r.error)
  }

  return (
    <View data-testid='bound-panel'>
      <Notice tone='success' title='已绑定本人社保卡'>
        <Text className='yl-text'>姓名：{status.person.maskedName}</Text>
        <Text className='yl-text'>险种：{status.person.insuranceLabel}</Text>
      </Notice>
      {error ? <ErrorBanner error={error} /> : null}
      {confirming ? (
        <View className='yl-confirm' data-testid='unbind-confirm'>
          <Text className='yl-section-title'>确定要解除绑定吗？</Text>
          <Text className='yl-text'>解除后，需要重新绑定社保卡，才能查看认证状态和进行认证。</Text>
          <BigButton label='确定解除绑定' variant='danger' busy={busy} busyLabel='正在解除…' onClick={() => void doUnbind()} testId='unbind-yes' />
          <BigButton label='不解除，返回' variant='secondary' onClick={() => setConfirming(false)} testId='unbind-no' />
        </View>
      ) : (
        <>
          <BigButton label='返回首页' size='main' onClick={() => void backHome()} testId='home' />
          <BigButton label='解除绑定' variant='danger' onClick={() => setConfirming(true)} testId='unbind' />
        </>
      )}
    </View>
  )
}

function BindForms() {
  const form = useIdentityForm()
  const [busy, setBusy] = useState(false)
  const [serverError, setServerError] = useState<AppError | undefined>()
  const [sscError, setSscError] = useState<AppError | undefined>()

  const startSsc = async () => {
    setSscError(undefined)
    const r = await sscAuthorizer().start()
    if (!r.ok) setSscError(r.error)
  }

  const submit = async () => {
    setServerError(undefined)
    const payload = form.manualForm()
    if (!payload) return
    setBusy(true)
    const r = await bindManual(payload)
    setBusy(false)
    if (r.ok) {
      void backHome()
      return
    }
    setServerError(r.error)
    form.showServerError(r.error)
  }

  const err = (f: Parameters<typeof form.visibleError>[0]) => messageFor(form.visibleError(f))

  return (
    <View data-testid='bind-forms'>
      <Text className='yl-section-title'>
        <Phrases text={['方式一：', '电子社保卡', '授权']} />
      </Text>
      <Text className='yl-text'>已领取电子社保卡的，点一下即可授权绑定，不用填写。</Text>
      {sscError ? <ErrorBanner error={sscError} /> : null}
      <BigButton label={['电子社保卡', '授权']} size='main' onClick={() => void startSsc()} testId='ssc' />

      <View className='yl-divider'>
        <Text className='yl-divider__text'>或者</Text>
      </View>

      <Text className='yl-section-title'>方式二：手动填写</Text>
      <IdentityFields form={form} />
      <Field
        name='cardNumber'
        label='社会保障卡号'
        value={form.values.cardNumber}
        maxLength={20}
        placeholder='社保卡正面的卡号'
        onChange={(x) => form.change('cardNumber', x)}
        onBlur={() => form.blur('cardNumber')}
        error={err('cardNumber')}
        hint={<CardPicture />}
      />
      <ChoiceGroup<InsuranceType>
        name='insuranceType'
        label='险种（请选择一项）'
        choices={INSURANCE_CHOICES}
        value={form.values.insuranceType}
        onChange={(x) => form.change('insuranceType', x)}
        error={err('insuranceType')}
      />
      {serverError ? <ErrorBanner error={serverError} /> : null}
      <BigButton label='确认绑定' size='main' busy={busy} busyLabel='正在核对…' onClick={() => void submit()} testId='submit' />
    </View>
  )
}

export default function BindPage() {
  const [state, reload] = useAsync(getStatus)
  const bound = state.phase === 'ready' && state.data.bound ? state.data : undefined
  const speech = bound
    ? `您已绑定本人社保卡，姓名${bound.person.maskedName}。如需解除绑定，请点击解除绑定按钮。`
    : state.phase === 'error'
      ? `${state.error.message}。请点击重试按钮。`
      : SPEECH_UNBOUND

  return (
    <PageShell title='绑定社保卡' speech={speech}>
      {state.phase === 'loading' ? <Notice title='正在读取绑定信息…' testId='loading' /> : null}
      {state.phase === 'error' ? <ErrorBanner error={state.error} onRetry={reload} /> : null}
      {bound ? <BoundPanel status={bound} onUnbound={() => void backHome()} /> : null}
      {state.phase === 'ready' && !state.data.bound ? <BindForms /> : null}
    </PageShell>
  )
}
