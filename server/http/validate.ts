/**
 * Body validation with valibot. Schemas in src/core/contracts use error codes as issue messages,
 * so the first issue becomes a stable code plus the field it is about (never for an opaque
 * reference, which is answered exactly like an unknown one). Input values never leave this
 * function (issues carry them; we drop them).
 */
import * as v from 'valibot'
import { DomainError, isErrorCode, isOpaqueCode } from '../../src/core/errors'

export function parseBody<S extends v.GenericSchema>(schema: S, body: unknown): v.InferOutput<S> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new DomainError('BAD_REQUEST')
  const result = v.safeParse(schema, body, { abortEarly: true })
  if (result.success) return result.output
  const issue = result.issues[0]
  const path = issue.path?.map((p) => String(p.key)) ?? []
  const field = path.length > 0 ? path.join('.') : undefined
  if (path[0] === 'caller') throw new DomainError('UNAUTHENTICATED', { field: 'caller' })
  if (isErrorCode(issue.message)) throw new DomainError(issue.message, isOpaqueCode(issue.message) ? {} : { field })
  throw new DomainError('VALIDATION_FAILED', { field })
}
