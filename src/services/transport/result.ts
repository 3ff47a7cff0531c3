/** Turns whatever came back over the wire into a typed Result, never trusting its shape. */
import { appError, fail, isErrorCode, type ErrorCode, type Result } from '@/core/errors'

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

/** Reads `{code, field?, detail?}` from an error object, if it carries a code we know. */
export function errorFrom(value: unknown): Result<never> | undefined {
  if (!isObject(value)) return undefined
  const code = value.code
  if (!isErrorCode(code)) return undefined
  const field = typeof value.field === 'string' ? value.field : undefined
  // The Chinese text always comes from our own table, never from the wire: structured detail (a date)
  // is kept only when it checks out for this code, and our own sentence is made from it.
  return { ok: false, error: appError(code, field, value.detail) }
}

/**
 * A cloud function / gateway answer is `{ok: true, data}` or `{ok: false, error: {code}}`.
 * Backend-style errors `{error: {code}}` are accepted as well. Anything else is treated as the
 * service being unavailable.
 */
export function normalizeResult<T>(body: unknown): Result<T> {
  if (!isObject(body)) return fail('SERVICE_UNAVAILABLE')
  if (body.ok === true && 'data' in body) return { ok: true, data: body.data as T }
  const err = errorFrom(body.error)
  if (err) return err
  return fail('SERVICE_UNAVAILABLE')
}

/** HTTP status → code, when the body does not say. */
export function codeForStatus(status: number): ErrorCode {
  if (status === 401) return 'UNAUTHENTICATED'
  if (status === 404) return 'NOT_FOUND'
  if (status === 413) return 'PAYLOAD_TOO_LARGE'
  if (status === 429) return 'RATE_LIMITED'
  if (status >= 400 && status < 500) return 'BAD_REQUEST'
  return 'SERVICE_UNAVAILABLE'
}
