/**
 * parseFirstWith: a body schema's cheaper twin is tried first, and every body it refuses is parsed by
 * the schema itself. The 完成认证 body's twin (server/routes/certifications/complete-body.ts) must
 * accept exactly what the contract's schema accepts: every body below gets the same output, or the
 * same refusal (code and field), with the twin as without it.
 */
import fc from 'fast-check'
import { BackendCompleteCertificationSchema, SUMMARY_MAX_FRAMES } from '../../../src/core/contracts/certification'
import { SUMMARY_FIELDS, SUMMARY_VERSION } from '../../../src/core/liveness/summary'
import { DomainError } from '../../../src/core/errors'
import { parseBody, parseFirstWith } from '../../../server/http/validate'
import { CompleteBodyTwin, isSummaryData } from '../../../server/routes/certifications/complete-body'

// A copy of the contract's schema is the same schema without the twin registered for it.
const schemaAlone = { ...BackendCompleteCertificationSchema }
parseFirstWith(BackendCompleteCertificationSchema, CompleteBodyTwin)

const body = (data: unknown, summary: Record<string, unknown> = {}) => ({
  caller: { platform: 'local', openid: 'local_openid_123' },
  sessionId: '7d444840-9dc0-11d1-b245-5ffdce74fad2',
  nonce: 'abcdefghijklmnopqrstuvwxyz012345',
  verdict: { passed: true },
  summary: { v: SUMMARY_VERSION, layout: 'mediapipe-478', n: 2, data, ...summary },
})

function outcome(schema: typeof BackendCompleteCertificationSchema, b: unknown): unknown {
  try {
    return { ok: parseBody(schema, b) }
  } catch (err) {
    if (!(err instanceof DomainError)) throw err
    return { code: err.code, field: err.data.field }
  }
}

const same = (b: unknown) => expect(outcome(BackendCompleteCertificationSchema, b)).toEqual(outcome(schemaAlone, b))

describe('the completion body twin', () => {
  const good = Array.from({ length: 2 * SUMMARY_FIELDS.length }, (_, i) => (i % 7 === 3 ? null : i * 13 - 40))

  it('accepts what the contract accepts, with the same output', () => {
    const b = body(good)
    expect(outcome(BackendCompleteCertificationSchema, b)).toEqual({ ok: expect.objectContaining({ summary: expect.objectContaining({ data: good }) }) })
    same(b)
    // The twin answered (the contract's array schema would have copied the array).
    expect(parseBody(BackendCompleteCertificationSchema, b).summary.data).toBe(good)
    expect(parseBody(schemaAlone, b).summary.data).not.toBe(good)
    same(body([]))
    same(body([-0, 2 ** 53 - 1, -(2 ** 53 - 1), null]))
  })

  it('refuses what the contract refuses, with the code and field of the contract', () => {
    for (const bad of [1.5, '1', 2 ** 53, NaN, Infinity, undefined, true, {}, [1]]) {
      const data = good.slice()
      data[17] = bad as number
      same(body(data))
      expect(outcome(BackendCompleteCertificationSchema, body(data))).toMatchObject({ code: 'TRACE_IMPLAUSIBLE', field: 'summary.data.17' })
    }
    const holey = good.slice()
    delete holey[5]
    same(body(holey))
    for (const data of [null, 'x', { 0: 1 }, undefined]) same(body(data))
    same(body(new Array(SUMMARY_MAX_FRAMES * SUMMARY_FIELDS.length + 1).fill(0)))
    same(body(good, { v: 1 }))
    same(body(good, { n: 0 }))
    same({ ...body(good), summary: null })
    same({ ...body(good), caller: { platform: 'local', openid: 'x' } })
    same({ ...body(good), nonce: 'short' })
    same({ ...body(1.5), nonce: 'short' }) // the first issue in the schema's order
  })

  it('agrees with the contract on random data', () => {
    const value = fc.oneof(fc.integer(), fc.constant(null), fc.double(), fc.string(), fc.boolean(), fc.constant(undefined), fc.constant(2 ** 53))
    fc.assert(fc.property(fc.array(value, { maxLength: 40 }), (data) => same(body(data))))
  })

  it('isSummaryData is exactly "an array of nulls and safe integers, not too long"', () => {
    expect(isSummaryData(good)).toBe(true)
    expect(isSummaryData([0.5])).toBe(false)
    expect(isSummaryData(new Array(3))).toBe(false)
    expect(isSummaryData('[1]')).toBe(false)
  })
})
