/**
 * Structured facts an error answer may carry besides its code — never free text. Every hop (backend
 * error handler → cloud function / gateway → client) passes them on only after checking them here,
 * and the sentence a person reads is composed from them with our own words (errors.ts appError), so
 * no text from the wire is ever shown.
 */
import { formatChinaDate, isCalendarDate } from './dates'

export interface ErrorDetail {
  /** The day the person last passed (YYYY-MM-DD, Beijing): NOTICE_ALREADY_CERTIFIED. */
  passedOn?: string
}

/** The codes that carry detail: which facts (all required) and the sentence they make. */
const DETAILED: Readonly<Record<string, { keys: readonly (keyof ErrorDetail)[]; sentence(d: Required<ErrorDetail>): string }>> = {
  NOTICE_ALREADY_CERTIFIED: { keys: ['passedOn'], sentence: (d) => `本年度已于${formatChinaDate(d.passedOn)}完成认证，无需再次认证` },
}

const specOf = (code: string) => (Object.prototype.hasOwnProperty.call(DETAILED, code) ? DETAILED[code] : undefined)

/** The detail of an answer with `code`, when the code carries detail and every fact checks out; else nothing. */
export function readErrorDetail(code: string, value: unknown): ErrorDetail | undefined {
  const spec = specOf(code)
  if (!spec || typeof value !== 'object' || value === null || Array.isArray(value)) return undefined
  const v = value as Record<string, unknown>
  const out: ErrorDetail = {}
  for (const key of spec.keys) {
    if (!isCalendarDate(v[key])) return undefined
    out[key] = v[key] as string
  }
  return out
}

/** The sentence for a code with its (checked) detail. */
export function detailSentence(code: string, detail: ErrorDetail): string | undefined {
  const spec = specOf(code)
  return spec ? spec.sentence(detail as Required<ErrorDetail>) : undefined
}
