/**
 * 认证查询: look up a person's certification status by 姓名 + 身份证号 (as the agencies' web sites offer),
 * for signed-in users. The answer is masked (姓名 and 身份证号 partly hidden) and shows the status in words
 * with its icon, the deadline as a day (or, when suspended, since when and how payment comes back). At most 5 queries a minute and 20 a day per account: RATE_LIMITED
 * is explained in those words.
 */
import { useState } from 'react'
import { Text, View } from '@tarojs/components'
import { BigButton } from '@/components/BigButton'
import { ErrorBanner } from '@/components/ErrorBanner'
import { IdentityFields } from '@/components/IdentityFields'
import { Notice } from '@/components/Notice'
import { PageShell } from '@/components/PageShell'
import { StatusCard } from '@/components/StatusCard'
import type { StatusQueryView } from '@/core/contracts/family'
import type { AppError } from '@/core/errors'
import { useIdentityForm } from '@/hooks/useIdentityForm'
import { queryStatus } from '@/services/family'
import { backHome } from '@/services/navigation'
import { todayInChina } from '@/services/system'
import { PERSON_FIELDS, queryForm } from '../family/person-form'
import { QUERY_HELP, QUERY_INTRO, QUERY_LIMITS, resultSpeech } from './texts'

/** The form, keyed by the page so 再查一位 starts empty. */
function QueryForm({ onResult }: { onResult: (r: StatusQueryView) => void }) {
  const form = useIdentityForm(PERSON_FIELDS)
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<AppError | undefined>()

  const submit = async () => {
    setError(undefined)
    if (!form.validateAll()) return
    const payload = queryForm(form.values, todayInChina())
    if (!payload) return
    setBusy(true)
    const r = await queryStatus(payload)
    setBusy(false)
    if (r.ok) onResult(r.data)
    else {
      setError(r.error)
      form.showServerError(r.error)
    }
  }

  const help = error ? QUERY_HELP[error.code] : undefined
  const speech = error ? `${error.message}。${help ?? ''}` : `认证查询。${QUERY_INTRO}${QUERY_LIMITS}`

  return (
    <PageShell title='认证查询' speech={speech}>
      <Text className='yl-text'>{QUERY_INTRO}</Text>
      <Notice title={['查询次数', '有限']} testId='query-limits'>
        <Text className='yl-text'>{QUERY_LIMITS}</Text>
      </Notice>
      <IdentityFields form={form} />
      {error ? (
        <ErrorBanner error={error} help={help} testId='query-error' />
      ) : null}
      <BigButton label='查询' size='main' busy={busy} busyLabel='正在查询…' onClick={() => void submit()} testId='submit' />
      <BigButton label='返回首页' variant='secondary' onClick={() => void backHome()} testId='home' />
    </PageShell>
  )
}

export default function QueryPage() {
  const [result, setResult] = useState<StatusQueryView | undefined>()
  const [formKey, setFormKey] = useState(0)

  if (result) {
    return (
      <PageShell title='认证查询' speech={resultSpeech(result)}>
        <View data-testid='query-result'>
          <StatusCard status={result} />
        </View>
        <BigButton
          label='再查一位'
          size='main'
          onClick={() => {
            setResult(undefined)
            setFormKey((k) => k + 1)
          }}
          testId='again'
        />
        <BigButton label='返回首页' variant='secondary' onClick={() => void backHome()} testId='home' />
      </PageShell>
    )
  }
  return <QueryForm key={formKey} onResult={setResult} />
}
