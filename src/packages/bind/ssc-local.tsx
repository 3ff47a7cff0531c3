import { useState } from 'react'
import { Text, View } from '@tarojs/components'
import { BigButton } from '@/components/BigButton'
import { ErrorBanner } from '@/components/ErrorBanner'
import { IdentityFields } from '@/components/IdentityFields'
import { Notice } from '@/components/Notice'
import { PageShell } from '@/components/PageShell'
import type { AppError } from '@/core/errors'
import { normalizeIdNumber } from '@/core/id-number'
import { backHome } from '@/services/navigation'
import { authorizeLocallyAndBind } from '@/services/ssc'
import { useIdentityForm } from '@/hooks/useIdentityForm'

const SPEECH = '电子社保卡授权。请填写姓名和身份证号，然后点击同意授权并绑定。'

/**
 * Local stand-in for the national 电子社保卡 app: the real channel already knows the holder; here
 * we ask for name + ID number, get a locally signed authorisation and bind with it.
 */
export default function SscLocalPage() {
  const form = useIdentityForm(['name', 'idNumber'])
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<AppError | undefined>()

  const submit = async () => {
    setError(undefined)
    if (!form.validateAll()) return
    setBusy(true)
    const r = await authorizeLocallyAndBind(form.values.name.trim(), normalizeIdNumber(form.values.idNumber))
    setBusy(false)
    if (r.ok) {
      void backHome()
      return
    }
    setError(r.error)
    form.showServerError(r.error)
  }

  return (
    <PageShell title={['电子社保卡', '授权']} speech={SPEECH}>
      <Notice title={['本地演示', '授权']}>
        <Text>正式版本将跳转到国家电子社保卡完成授权。这里用姓名和身份证号代替。</Text>
      </Notice>
      <View>
        <IdentityFields form={form} />
      </View>
      {error ? <ErrorBanner error={error} /> : null}
      <BigButton label={['同意授权', '并绑定']} size='main' busy={busy} busyLabel='正在授权…' onClick={() => void submit()} testId='ssc-submit' />
    </PageShell>
  )
}
