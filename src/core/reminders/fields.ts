/**
 * WeChat subscribe-message field rules (WECHAT-FACTS §5). The key of each data entry names its type
 * by prefix: `thing4` is a thing, `character_string5` a character_string. Used by the template
 * builders (which must never produce a value these rules refuse) and by the local openapi adapter
 * (which refuses like WeChat would, with errcode 47003 naming the field).
 *
 * Lengths count Unicode code points (a rare character outside the BMP is one character, as a person
 * sees it). Pure: no platform imports.
 */

export const FIELD_TYPES = [
  'thing',
  'number',
  'letter',
  'symbol',
  'character_string',
  'time',
  'date',
  'amount',
  'phone_number',
  'car_number',
  'name',
  'phrase',
] as const
export type FieldType = (typeof FIELD_TYPES)[number]

export type TemplateData = Record<string, { value: string }>

/** "Pure Chinese" as WeChat counts it: CJK unified ideographs incl. extension A and the astral extensions. */
const HAN = /^\p{Script=Han}$/u
/** The characters our builders use in name/phrase: the basic CJK block only, safest on every phone. */
export const BASIC_HAN = /^[\u4e00-\u9fff]$/

export const cp = (s: string): string[] => Array.from(s)
export const cpLength = (s: string): number => Array.from(s).length

export function isPureChinese(s: string): boolean {
  const chars = cp(s)
  return chars.length > 0 && chars.every((c) => HAN.test(c))
}

const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/
const CJK_ANY = /[\p{Script=Han}\u3000-\u303f\uff00-\uffef]/u

/** The type a data key declares (`thing4` → thing), or undefined for an unknown key. */
export function fieldTypeOf(key: string): FieldType | undefined {
  const m = /^([a-z_]+?)(\d+)$/.exec(key)
  if (!m) return undefined
  return (FIELD_TYPES as readonly string[]).includes(m[1]) ? (m[1] as FieldType) : undefined
}

function realDate(y: number, mo: number, d: number): boolean {
  const t = new Date(Date.UTC(y, mo - 1, d))
  return t.getUTCFullYear() === y && t.getUTCMonth() === mo - 1 && t.getUTCDate() === d
}

const DATE_ZH = /^(\d{4})年(\d{1,2})月(\d{1,2})日$/
const DATE_ISO = /^(\d{4})-(\d{1,2})-(\d{1,2})$/
const CLOCK = /^([01]?\d|2[0-3]):([0-5]\d)(:([0-5]\d))?$/

function validDatePart(s: string): boolean {
  const m = DATE_ZH.exec(s) ?? DATE_ISO.exec(s)
  return !!m && realDate(Number(m[1]), Number(m[2]), Number(m[3]))
}

/** date: 年月日, optionally followed by a 24-hour time. */
function validDate(s: string): boolean {
  const [date, time, ...rest] = s.split(' ')
  if (rest.length > 0) return false
  return validDatePart(date) && (time === undefined || CLOCK.test(time))
}

/** time: a 24-hour time, optionally with a date before it; a range joins two with "~". */
function validTime(s: string): boolean {
  const parts = s.split('~')
  if (parts.length > 2) return false
  return parts.every((p) => {
    const [a, b, ...rest] = p.trim().split(' ')
    if (rest.length > 0) return false
    if (b === undefined) return CLOCK.test(a) || validDatePart(a)
    return validDatePart(a) && CLOCK.test(b)
  })
}

/** Why a value breaks its type's rule, or null when it is fine. */
export function fieldProblem(type: FieldType, value: string): string | null {
  if (typeof value !== 'string' || value.length === 0) return 'empty'
  if (CONTROL.test(value)) return 'control characters'
  const n = cpLength(value)
  switch (type) {
    case 'thing':
      return n <= 20 ? null : `thing longer than 20 characters (${n})`
    case 'number':
      return /^[0-9]+(\.[0-9]+)?$/.test(value) && n <= 32 ? null : 'number: up to 32 digits'
    case 'letter':
      return /^[A-Za-z]{1,32}$/.test(value) ? null : 'letter: up to 32 letters'
    case 'symbol':
      return n <= 5 && !/[\p{L}\p{N}]/u.test(value) ? null : 'symbol: up to 5 symbols'
    case 'character_string':
      if (n > 32) return `character_string longer than 32 (${n})`
      return /^[\x21-\x7e]+$/.test(value) && !CJK_ANY.test(value) ? null : 'character_string: digits, letters and symbols only, no Chinese'
    case 'time':
      return validTime(value) ? null : 'time: 24-hour time, e.g. 15:01 or 2019年10月1日 15:01'
    case 'date':
      return validDate(value) ? null : 'date: e.g. 2019年10月1日 (optionally with a 24-hour time)'
    case 'amount':
      return /^[¥$￥]?\d{1,10}(\.\d{1,2})?元?$/.test(value) ? null : 'amount: one currency symbol and up to 10 digits'
    case 'phone_number':
      return /^[0-9+\-() ]{1,17}$/.test(value) ? null : 'phone_number: up to 17 digits and symbols'
    case 'car_number':
      return n <= 8 ? null : 'car_number: up to 8 characters'
    case 'name':
      if (isPureChinese(value)) return n <= 10 ? null : `name longer than 10 Chinese characters (${n})`
      return /^[A-Za-z][A-Za-z .'-]{0,19}$/.test(value) ? null : 'name: up to 10 Chinese characters, or up to 20 letters'
    case 'phrase':
      return isPureChinese(value) && n <= 5 ? null : 'phrase: up to 5 Chinese characters, nothing else'
  }
}

export interface FieldViolation {
  /** The data key, e.g. thing4 (WeChat's 47003 errmsg names it as data.thing4.value). */
  field: string
  reason: string
}

/** Every rule a template's data breaks (empty when WeChat would accept it). */
export function checkTemplateData(data: TemplateData): FieldViolation[] {
  const out: FieldViolation[] = []
  const keys = Object.keys(data)
  if (keys.length === 0) out.push({ field: '', reason: 'no data' })
  for (const key of keys) {
    const type = fieldTypeOf(key)
    const value = data[key]?.value
    if (!type) {
      out.push({ field: key, reason: 'unknown field type' })
      continue
    }
    const problem = fieldProblem(type, value as string)
    if (problem) out.push({ field: key, reason: problem })
  }
  return out
}

/** WeChat's 47003 wording, naming the field, as the local adapter answers it. */
export function invalidFieldErrmsg(v: FieldViolation): string {
  return `argument invalid! data.${v.field}.value ${v.reason}`
}

/** The field a 47003 errmsg names ("argument invalid! data.thing4.value is emtpy" → thing4). */
export function fieldOfErrmsg(errmsg: string): string | undefined {
  return /data\.([A-Za-z_]+\d+)\.value/.exec(errmsg)?.[1]
}
