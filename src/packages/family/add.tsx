/**
 * 添加家人: 姓名, 身份证号 (the inline checks of 绑定社保卡) and the relation (父亲 / 母亲 / 配偶 / 其他亲属),
 * checked against the roster. Only the masked entry comes back. Refusals in plain words: not on the
 * roster, details differ, 8 relatives already, too many attempts.
 */
import { useState } from 'react'
import { Text, View } from '@tarojs/components'
import { BigButton } from '@/components/BigButton'
import { ChoiceGroup } from '@/components/ChoiceGroup'
import { ErrorBanner } from '@/components/ErrorBanner'
import { IdentityFields } from '@/components/IdentityFields'
import { Notice } from '@/components/Notice'
import { PageShell } from '@/components/PageShell'
import type { Relation, RelativeView } from '@/core/contracts/family'
import { ERROR_MESSAGES, type AppError } from '@/core/errors'
import { useIdentityForm } from '@/hooks/useIdentityForm'
import { addRelative } from '@/services/family'
import { goBack, navigateWithQuery, ROUTES } from '@/services/navigation'
import { todayInChina } from '@/services/system'
import { PERSON_FIELDS, relativeForm } from './person-form'
import { ADD_INTRO, ERROR_HELP, RELATION_CHOICES, relativeDeadline, relativeTitle } from './texts'
import './index.scss'

const SPEECH = `添加家人。${ADD_INTRO}填好后点击确认添加。`

function Added({ relative }: { relative: RelativeView }) {
  return (
    <View data-testid='added'>
      <Notice tone='success' title={`已添加：${relativeTitle(relative)}`}>
        <Text className='yl-text'>{relativeDeadline(relative)}</Text>
        <Text className='yl-text'>状态：{relative.statusLabel}</Text>
      </Notice>
      <BigButton label={['返回', '家人列表']} size='main' onClick={() => void goBack()} testId='back-to-list' />
      <BigButton
        label='现在帮TA认证'
        variant='secondary'
        onClick={() => void navigateWithQuery(ROUTES.certify, { relative: relative.relativeId })}
        testId='certify-for'
      />
    </View>
  )
}

export default function AddRelativePage() {
  const form = useIdentityForm(PERSON_FIELDS)
  const [relation, setRelation] = useState<Relation | ''>('')
  const [relationShown, setRelationShown] = useState(false)
  const [busy, setBusy] = useState(false)
  const [serverError, setServerError] = useState<AppError | undefined>()
  const [added, setAdded] = useState<RelativeView | undefined>()

  const submit = async () => {
    setServerError(undefined)
    // The form reads every shown message aloud, the missing relation with them.
    const fieldsOk = form.validateAll(relation === '' ? [ERROR_MESSAGES.RELATION_INVALID] : [])
    setRelationShown(true)
    if (!fieldsOk || relation === '') return
    const payload = relativeForm(form.values, relation, todayInChina())
    if (!payload) return
    setBusy(true)
    const r = await addRelative(payload)
    setBusy(false)
    if (r.ok) {
      setAdded(r.data)
      return
    }
    setServerError(r.error)
    form.showServerError(r.error)
  }

  if (added) {
    return (
      <PageShell title='添加家人' speech={`已添加${relativeTitle(added)}。${relativeDeadline(added)}${/。$/.test(relativeDeadline(added)) ? '' : '。'}状态：${added.statusLabel}。`}>
        <Added relative={added} />
      </PageShell>
    )
  }

  const relationError = relationShown && relation === '' ? ERROR_MESSAGES.RELATION_INVALID : undefined
  const help = serverError ? ERROR_HELP[serverError.code] : undefined

  return (
    <PageShell title='添加家人' speech={serverError ? `${serverError.message}。${help ?? ''}` : SPEECH}>
      <Text className='yl-text'>{ADD_INTRO}</Text>
      <IdentityFields form={form} whose='家人的' />
      <ChoiceGroup<Relation>
        name='relation'
        label='TA 是您的（请选择一项）'
        choices={RELATION_CHOICES}
        value={relation}
        onChange={(x) => {
          setRelation(x)
          setRelationShown(true)
        }}
        error={relationError}
      />
      {serverError ? (
        <ErrorBanner error={serverError} help={help} testId='add-error' />
      ) : null}
      <BigButton label='确认添加' size='main' busy={busy} busyLabel='正在核对…' onClick={() => void submit()} testId='submit' />
      <BigButton label='返回家人列表' variant='secondary' onClick={() => void goBack()} testId='back' />
    </PageShell>
  )
}
