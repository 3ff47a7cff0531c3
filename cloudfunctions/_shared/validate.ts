import * as v from 'valibot'
import { appError, fail, isErrorCode, ok, type Result } from '../../src/core/errors'
import { validateIdNumber } from '../../src/core/id-number'

/**
 * Validates an event with a valibot schema. Our schemas use an ErrorCode as each issue message, so
 * the first issue becomes that code, with the dotted path of the offending field.
 */
export function parseEvent<S extends v.GenericSchema>(schema: S, event: unknown): Result<v.InferOutput<S>> {
  let input: unknown = event ?? {}
  // A missing key is reported by the object schema with a generic message; ask again with the key
  // present but undefined so the field's own schema names its code (e.g. v.string('ID_LENGTH')).
  for (let attempt = 0; attempt < 8; attempt++) {
    const parsed = v.safeParse(schema, input)
    if (parsed.success) return ok(parsed.output)
    const issue = parsed.issues[0]
    const missingKey = missingTopLevelKey(issue, input)
    if (missingKey !== null && !isErrorCode(issue.message)) {
      input = { ...(input as Record<string, unknown>), [missingKey]: undefined }
      continue
    }
    const code = isErrorCode(issue.message) ? issue.message : 'VALIDATION_FAILED'
    return { ok: false, error: appError(code, issueField(issue)) }
  }
  return fail('VALIDATION_FAILED')
}

function missingTopLevelKey(issue: v.BaseIssue<unknown>, input: unknown): string | null {
  if (issue.path?.length !== 1 || typeof input !== 'object' || input === null || Array.isArray(input)) return null
  const key = (issue.path[0] as { key?: unknown }).key
  return typeof key === 'string' && !Object.prototype.hasOwnProperty.call(input, key) ? key : null
}

function issueField(issue: v.BaseIssue<unknown>): string | undefined {
  const keys = (issue.path ?? [])
    .map((item) => (item as { key?: unknown }).key)
    .filter((key): key is string | number => typeof key === 'string' || typeof key === 'number')
  return keys.length > 0 ? keys.join('.') : undefined
}

/** Today's date (YYYY-MM-DD) in China Standard Time (UTC+8, no daylight saving). */
export function chinaDate(now: Date): string {
  return new Date(now.getTime() + 8 * 3600 * 1000).toISOString().slice(0, 10)
}

/**
 * Applies the GB 11643 rules so a wrong ID number is refused before any backend call, with the
 * reason (length, characters, birth date, checksum, legacy 15-digit) and the field name.
 */
export function checkIdNumber(raw: string, now: Date, field = 'idNumber'): Result<string> {
  const check = validateIdNumber(raw, chinaDate(now))
  return check.valid ? ok(check.idNumber) : fail(check.reason, field)
}
