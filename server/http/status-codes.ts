/** HTTP status for each stable error code (docs/backend-api.md lists the same table). */
import type { ErrorCode } from '../../src/core/errors'

const BY_CODE: Partial<Record<ErrorCode, number>> = {
  UNAUTHENTICATED: 401,
  SIGNATURE_MISSING: 401,
  SIGNATURE_INVALID: 401,
  REQUEST_STALE: 401,
  REQUEST_REPLAYED: 401,
  FORBIDDEN_IN_PRODUCTION: 403,
  PERSON_NOT_FOUND: 404,
  NOT_FOUND: 404,
  PERSON_BOUND_ELSEWHERE: 409,
  ACCOUNT_ALREADY_BOUND: 409,
  NOT_BOUND: 409,
  PAYLOAD_TOO_LARGE: 413,
  REQUEST_TIMEOUT: 408,
  RATE_LIMITED: 429,
  ID_NUMBER_CHECKS_LIMITED: 429,
  INTERNAL: 500,
  FEATURE_NOT_READY: 501,
  SERVICE_UNAVAILABLE: 503,
  NETWORK_ERROR: 503,
}

export function httpStatusFor(code: ErrorCode): number {
  return BY_CODE[code] ?? 400
}
