/**
 * 姓名 + 身份证号 as the 添加家人 and 认证查询 pages send them: the same field rules and inline messages
 * as 绑定社保卡 (src/hooks/useIdentityForm: its rules and hook, reused for these two fields), plus the
 * relation for 添加家人. Plain functions, testable without Taro.
 */
import * as v from 'valibot'
import { AddRelativeFormSchema, StatusQueryFormSchema, type AddRelativeForm, type Relation, type StatusQueryForm } from '@/core/contracts/family'
import { validateIdNumber } from '@/core/id-number'
import type { BindField } from '@/hooks/useIdentityForm/rules'

/** The two fields of the bind form these pages use. */
export const PERSON_FIELDS: readonly BindField[] = ['name', 'idNumber']

/** The normalised 认证查询 form (ID number upper-case, 18 characters), or undefined. */
export function queryForm(values: { name: string; idNumber: string }, today: string): StatusQueryForm | undefined {
  const id = validateIdNumber(values.idNumber, today)
  if (!id.valid) return undefined
  const r = v.safeParse(StatusQueryFormSchema, { name: values.name, idNumber: id.idNumber })
  return r.success ? r.output : undefined
}

/** The normalised 添加家人 form, or undefined (a relation must be chosen). */
export function relativeForm(values: { name: string; idNumber: string }, relation: Relation | '', today: string): AddRelativeForm | undefined {
  const q = queryForm(values, today)
  if (!q || relation === '') return undefined
  const r = v.safeParse(AddRelativeFormSchema, { ...q, relation })
  return r.success ? r.output : undefined
}
