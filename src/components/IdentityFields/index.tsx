import { Field } from '@/components/Field'
import type { useIdentityForm } from '@/hooks/useIdentityForm'
import { messageFor } from '@/hooks/useIdentityForm/rules'

export interface IdentityFieldsProps {
  form: ReturnType<typeof useIdentityForm>
  /** Whose details these are, put before each label: '' (one's own) or '家人的'. */
  whose?: string
}

/** 姓名 and 身份证号 with their inline messages: the same two fields on 绑定, 添加家人 and 认证查询. */
export function IdentityFields({ form, whose = '' }: IdentityFieldsProps) {
  return (
    <>
      <Field
        name='name'
        label={`${whose}姓名`}
        value={form.values.name}
        maxLength={20}
        placeholder='请输入姓名'
        fit='value'
        onChange={(x) => form.change('name', x)}
        onBlur={() => form.blur('name')}
        error={messageFor(form.visibleError('name'))}
      />
      <Field
        name='idNumber'
        label={`${whose}身份证号`}
        type='idcard'
        value={form.values.idNumber}
        maxLength={18}
        placeholder='18 位身份证号'
        fit='id-number'
        onChange={(x) => form.change('idNumber', x)}
        onBlur={() => form.blur('idNumber')}
        error={messageFor(form.visibleError('idNumber'))}
      />
    </>
  )
}

export default IdentityFields
