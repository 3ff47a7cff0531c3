/**
 * Resident identity card numbers (GB 11643-1999). Written here rather than taken from a library so
 * that a refusal can say *why* — an elderly user needs to know which part to re-check.
 */
import type { ErrorCode } from './errors'

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2] as const
const CHECK_CHARS = '10X98765432'
const MIN_BIRTH_YEAR = 1900

export type IdNumberError = Extract<ErrorCode, 'ID_LENGTH' | 'ID_ILLEGAL_CHARS' | 'ID_BIRTH_DATE' | 'ID_CHECKSUM' | 'ID_LEGACY_15'>

export type IdNumberCheck =
  | { valid: true; idNumber: string; birthDate: string; sex: 'male' | 'female' }
  | { valid: false; reason: IdNumberError }

/** Check character for the first 17 digits. */
export function checkCharFor(first17: string): string {
  let sum = 0
  for (let i = 0; i < 17; i++) sum += (first17.charCodeAt(i) - 48) * WEIGHTS[i]
  return CHECK_CHARS[sum % 11]
}

/** Normalises (trim, remove inner spaces, upper-case x) before checking. */
export function normalizeIdNumber(raw: string): string {
  return raw.replace(/\s+/g, '').toUpperCase()
}

function isRealDate(y: number, m: number, d: number): boolean {
  if (m < 1 || m > 12 || d < 1) return false
  const days = [31, y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
  return d <= days[m - 1]
}

/**
 * Validates an 18-character resident ID. `today` (YYYY-MM-DD) bounds the birth date; it is a
 * parameter so the rule stays pure and testable.
 */
export function validateIdNumber(raw: string, today: string): IdNumberCheck {
  const id = normalizeIdNumber(raw)
  if (id.length === 15 && /^\d{15}$/.test(id)) return { valid: false, reason: 'ID_LEGACY_15' }
  if (id.length !== 18) return { valid: false, reason: 'ID_LENGTH' }
  if (!/^\d{17}[\dX]$/.test(id)) return { valid: false, reason: 'ID_ILLEGAL_CHARS' }
  const y = Number(id.slice(6, 10))
  const m = Number(id.slice(10, 12))
  const d = Number(id.slice(12, 14))
  const birthDate = `${id.slice(6, 10)}-${id.slice(10, 12)}-${id.slice(12, 14)}`
  if (y < MIN_BIRTH_YEAR || !isRealDate(y, m, d) || birthDate > today) return { valid: false, reason: 'ID_BIRTH_DATE' }
  if (checkCharFor(id.slice(0, 17)) !== id[17]) return { valid: false, reason: 'ID_CHECKSUM' }
  return { valid: true, idNumber: id, birthDate, sex: Number(id[16]) % 2 === 1 ? 'male' : 'female' }
}
