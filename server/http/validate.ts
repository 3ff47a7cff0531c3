/**
 * Body validation with valibot. Schemas in src/core/contracts use error codes as issue messages,
 * so the first issue becomes a stable code plus the field it is about (never for an opaque
 * reference, which is answered exactly like an unknown one). Input values never leave this
 * function (issues carry them; we drop them).
 */
import * as v from 'valibot'
import { DomainError, isErrorCode, isOpaqueCode } from '../../src/core/errors'

/** Cheaper twins of body schemas (parseFirstWith). */
const twins = new WeakMap<v.GenericSchema, v.GenericSchema>()

/**
 * Bodies parsed by `schema` are tried with `twin` first. The twin must accept exactly what the schema
 * accepts, with an equal output, at less cost (valibot checks every element of a large array one
 * schema call at a time). A body the twin refuses is parsed by the schema itself, so every refusal,
 * its code and its field, is the schema's own.
 */
export function parseFirstWith<S extends v.GenericSchema>(schema: S, twin: v.GenericSchema<unknown, v.InferOutput<S>>): void {
  twins.set(schema, twin)
}

export function parseBody<S extends v.GenericSchema>(schema: S, body: unknown): v.InferOutput<S> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new DomainError('BAD_REQUEST')
  const twin = twins.get(schema)
  if (twin) {
    const quick = v.safeParse(twin, body, { abortEarly: true })
    if (quick.success) return quick.output
  }
  const result = v.safeParse(schema, body, { abortEarly: true })
  if (result.success) return result.output
  const issue = result.issues[0]
  const path = issue.path?.map((p) => String(p.key)) ?? []
  const field = path.length > 0 ? path.join('.') : undefined
  if (path[0] === 'caller') throw new DomainError('UNAUTHENTICATED', { field: 'caller' })
  if (isErrorCode(issue.message)) throw new DomainError(issue.message, isOpaqueCode(issue.message) ? {} : { field })
  throw new DomainError('VALIDATION_FAILED', { field })
}
