import { useRef, useState } from 'react'
import type { BindManualForm } from '@/core/contracts/binding'
import { ERROR_MESSAGES, type AppError } from '@/core/errors'
import { speak } from '@/services/speech'
import { todayInChina } from '@/services/system'
import { BIND_FIELDS, EMPTY_FORM, fieldOf, validateBindForm, validateField, type BindField, type BindFormValues, type FieldErrors } from './rules'

/**
 * Form state with inline validation: a field's message appears once the person leaves a field they
 * typed in, or presses the button, and updates as they correct it. Tabbing past an empty field
 * shows nothing: an untouched field is not an error until the form is sent. Only `fields` are
 * checked. Every message is read aloud when it appears: on leaving a field, that field's (when it
 * is new), on a refused send all of them.
 */
export function useIdentityForm(fields: readonly BindField[] = BIND_FIELDS) {
  const [values, setValues] = useState<BindFormValues>(EMPTY_FORM)
  const [errors, setErrors] = useState<FieldErrors>({})
  const [shown, setShown] = useState<Partial<Record<BindField, boolean>>>({})
  // What was last read aloud per field: a message that appeared while typing (the field already
  // shown) is still said when the person leaves the field, and the same one is not said twice.
  const spokenCodes = useRef<Partial<Record<BindField, string>>>({})

  const check = (field: BindField, next: BindFormValues) => {
    const code = validateField(field, next, todayInChina())
    setErrors((e) => ({ ...e, [field]: code }))
    if (!code) delete spokenCodes.current[field]
    return code
  }

  const change = (field: BindField, value: string) => {
    const next = { ...values, [field]: value } as BindFormValues
    setValues(next)
    if (shown[field] || field === 'insuranceType') {
      setShown((s) => ({ ...s, [field]: true }))
      check(field, next)
    }
  }

  const blur = (field: BindField) => {
    if (!shown[field] && !String(values[field]).trim()) return
    setShown((s) => ({ ...s, [field]: true }))
    const code = check(field, values)
    // Said once: leaving the same wrong field again does not repeat it.
    if (code && spokenCodes.current[field] !== code) {
      spokenCodes.current[field] = code
      speak(ERROR_MESSAGES[code])
    }
  }

  /**
   * Validates the checked fields; answers whether all are fine (otherwise the messages show). Every
   * message shown is read aloud, in page order, with the page's own extra messages after them (one
   * utterance: a second speak() would cut the first short).
   */
  const validateAll = (extraMessages: readonly string[] = []): boolean => {
    const today = todayInChina()
    const all: FieldErrors = {}
    for (const f of fields) {
      const code = validateField(f, values, today)
      if (code) all[f] = code
    }
    setErrors(all)
    setShown(Object.fromEntries(fields.map((f) => [f, true])))
    const messages = fields.flatMap((f) => (all[f] ? [ERROR_MESSAGES[all[f]!]] : []))
    spokenCodes.current = { ...all }
    const spoken = [...messages, ...extraMessages]
    if (spoken.length > 0) speak(spoken.join('。'))
    return messages.length === 0
  }

  /** The normalised manual-binding form, when every field is fine. */
  const manualForm = (): BindManualForm | undefined => {
    if (!validateAll()) return undefined
    const r = validateBindForm(values, todayInChina())
    return r.ok ? r.form : undefined
  }

  /** Puts a server error that names a field under that field. */
  const showServerError = (error: AppError) => {
    const f = fieldOf(error.field)
    if (f) {
      setErrors((e) => ({ ...e, [f]: error.code }))
      setShown((s) => ({ ...s, [f]: true }))
    }
  }

  const visibleError = (field: BindField) => (shown[field] ? errors[field] : undefined)

  return { values, change, blur, validateAll, manualForm, visibleError, showServerError }
}
