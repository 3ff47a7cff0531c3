/**
 * The identity form's rules (绑定社保卡, 添加家人, 认证查询), as plain functions: which message goes under which field.
 * Field formats come from the shared valibot schema (its issue messages are ErrorCodes); the ID
 * number additionally goes through validateIdNumber so the message says *why* it is refused.
 */
import * as v from 'valibot'
import { BindManualFormSchema, CardNumberSchema, NameSchema, type BindManualForm } from '@/core/contracts/binding'
import { InsuranceTypeSchema } from '@/core/contracts/common'
import { ERROR_MESSAGES, isErrorCode, type ErrorCode } from '@/core/errors'
import { validateIdNumber } from '@/core/id-number'
import type { InsuranceType } from '@/core/insurance'

export interface BindFormValues {
  name: string
  idNumber: string
  cardNumber: string
  insuranceType: InsuranceType | ''
}

export type BindField = keyof BindFormValues
export const BIND_FIELDS: readonly BindField[] = ['name', 'idNumber', 'cardNumber', 'insuranceType']

export type FieldErrors = Partial<Record<BindField, ErrorCode>>

export const EMPTY_FORM: BindFormValues = { name: '', idNumber: '', cardNumber: '', insuranceType: '' }

function firstCode(issues: ReadonlyArray<{ message: string }> | undefined, fallback: ErrorCode): ErrorCode {
  const m = issues?.[0]?.message
  return isErrorCode(m) ? m : fallback
}

/** The error code for one field, or undefined when it is fine. `today` is YYYY-MM-DD (China time). */
export function validateField(field: BindField, values: BindFormValues, today: string): ErrorCode | undefined {
  switch (field) {
    case 'name': {
      const r = v.safeParse(NameSchema, values.name)
      return r.success ? undefined : firstCode(r.issues, 'NAME_INVALID')
    }
    case 'idNumber': {
      if (!values.idNumber.trim()) return 'ID_REQUIRED'
      const r = validateIdNumber(values.idNumber, today)
      return r.valid ? undefined : r.reason
    }
    case 'cardNumber': {
      if (!values.cardNumber.trim()) return 'CARD_NUMBER_REQUIRED'
      const r = v.safeParse(CardNumberSchema, values.cardNumber)
      return r.success ? undefined : firstCode(r.issues, 'CARD_NUMBER_INVALID')
    }
    case 'insuranceType': {
      const r = v.safeParse(InsuranceTypeSchema, values.insuranceType)
      return r.success ? undefined : 'INSURANCE_TYPE_INVALID'
    }
  }
}

export type BindFormCheck = { ok: true; form: BindManualForm } | { ok: false; errors: FieldErrors }

/** Checks every field; on success answers the normalised form to send. */
export function validateBindForm(values: BindFormValues, today: string): BindFormCheck {
  const errors: FieldErrors = {}
  for (const f of BIND_FIELDS) {
    const code = validateField(f, values, today)
    if (code) errors[f] = code
  }
  if (Object.keys(errors).length > 0) return { ok: false, errors }
  const parsed = v.safeParse(BindManualFormSchema, values)
  if (!parsed.success) return { ok: false, errors: { name: 'VALIDATION_FAILED' } }
  const id = validateIdNumber(values.idNumber, today)
  return { ok: true, form: { ...parsed.output, idNumber: id.valid ? id.idNumber : parsed.output.idNumber } }
}

export function messageFor(code: ErrorCode | undefined): string | undefined {
  return code ? ERROR_MESSAGES[code] : undefined
}

/** Server errors that name one of our fields are shown under that field too. */
export function fieldOf(field: string | undefined): BindField | undefined {
  return field && (BIND_FIELDS as readonly string[]).includes(field) ? (field as BindField) : undefined
}
