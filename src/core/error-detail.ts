/**
 * Structured facts an error answer may carry besides its code — never free text. Every hop (backend
 * error handler → cloud function / gateway → client) passes them on only after checking them here,
 * and the sentence a person reads is composed from them with our own words (errors.ts appError), so
 * no text from the wire is ever shown.
 */
export interface ErrorDetail {
  /** The day the person last passed (YYYY-MM-DD, Beijing): NOTICE_ALREADY_CERTIFIED. */
  passedOn?: string
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/

/** A real calendar day written YYYY-MM-DD (2026-02-30 is not one). */
export function isCalendarDate(value: unknown): value is string {
  if (typeof value !== 'string') return false
  const m = ISO_DATE.exec(value)
  if (!m) return false
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])]
  const date = new Date(Date.UTC(y, mo - 1, d))
  return y >= 1900 && date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d
}

/** 2026-03-15 → 2026年3月15日 */
export function chinaDateLabel(iso: string): string {
  return `${Number(iso.slice(0, 4))}年${Number(iso.slice(5, 7))}月${Number(iso.slice(8, 10))}日`
}

/** The codes that carry detail: which facts (all required) and the sentence they make. */
const DETAILED: Readonly<Record<string, { keys: readonly (keyof ErrorDetail)[]; sentence(d: Required<ErrorDetail>): string }>> = {
  NOTICE_ALREADY_CERTIFIED: { keys: ['passedOn'], sentence: (d) => `本年度已于${chinaDateLabel(d.passedOn)}完成认证，无需再次认证` },
}

/** The detail of an answer with `code`, when the code carries detail and every fact checks out; else nothing. */
export function readErrorDetail(code: string, value: unknown): ErrorDetail | undefined {
  const spec = Object.prototype.hasOwnProperty.call(DETAILED, code) ? DETAILED[code] : undefined
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
  const spec = Object.prototype.hasOwnProperty.call(DETAILED, code) ? DETAILED[code] : undefined
  return spec ? spec.sentence(detail as Required<ErrorDetail>) : undefined
}
