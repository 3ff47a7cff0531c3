/**
 * The backend's security headers are helmet's defaults, exactly as @fastify/helmet set them: compared
 * with a Fastify app that registers @fastify/helmet itself, on a success, on an answer refused before
 * the body is read (no signature) and on a validation error. The headers are now computed once
 * (server/plugins/protection.ts) instead of by a fresh helmet middleware per request.
 * (SQLite only: no header depends on the store.)
 */
import fastifyHelmet from '@fastify/helmet'
import Fastify, { type FastifyInstance, type LightMyRequestResponse } from 'fastify'
import { helmetDefaultHeaders } from '../../../server/plugins/protection'
import { startHarness, type Harness } from '../helpers/harness'

jest.setTimeout(60_000)

/** Every header helmet 8 sets with its defaults (lower case, as responses carry them). */
const HELMET_HEADERS = [
  'content-security-policy',
  'cross-origin-opener-policy',
  'cross-origin-resource-policy',
  'origin-agent-cluster',
  'referrer-policy',
  'strict-transport-security',
  'x-content-type-options',
  'x-dns-prefetch-control',
  'x-download-options',
  'x-frame-options',
  'x-permitted-cross-domain-policies',
  'x-xss-protection',
]

const securityHeaders = (res: LightMyRequestResponse) => Object.fromEntries(HELMET_HEADERS.map((h) => [h, res.headers[h]]))

describe('security headers', () => {
  let h: Harness
  let reference: FastifyInstance
  beforeAll(async () => {
    h = await startHarness('sqlite')
    reference = Fastify({ logger: false })
    await reference.register(fastifyHelmet, { global: true })
    reference.get('/ok', async () => ({ ok: true }))
    reference.post('/refused', { onRequest: async (_req, reply) => reply.code(401).send({ error: 'x' }) }, async () => ({}))
    reference.post('/bad', async () => {
      throw Object.assign(new Error('bad'), { statusCode: 400 })
    })
    await reference.ready()
  })
  afterAll(async () => {
    await reference?.close()
    await h?.close()
  })

  it('helmet itself sets exactly these headers, and the computed list is the same', async () => {
    const ref = await reference.inject({ method: 'GET', url: '/ok' })
    expect(Object.keys(ref.headers).filter((k) => HELMET_HEADERS.includes(k)).sort()).toEqual([...HELMET_HEADERS].sort())
    const { set, removed } = helmetDefaultHeaders()
    expect(Object.fromEntries(set.map(([k, v]) => [k.toLowerCase(), v]))).toEqual(securityHeaders(ref))
    expect(removed).toEqual(['X-Powered-By'])
  })

  it('a success carries the same headers as under @fastify/helmet', async () => {
    const ref = securityHeaders(await reference.inject({ method: 'GET', url: '/ok' }))
    const res = await h.app.inject({ method: 'GET', url: '/healthz' })
    expect(res.statusCode).toBe(200)
    expect(securityHeaders(res)).toEqual(ref)
    const signed = await h.post('/v1/status', { caller: { platform: 'local', openid: 'local_headers_test' } })
    expect(signed.statusCode).toBe(200)
    expect(securityHeaders(signed)).toEqual(ref)
  })

  it('an unsigned request refused before its body is read and a malformed body carry them too', async () => {
    const ref401 = securityHeaders(await reference.inject({ method: 'POST', url: '/refused', payload: {} }))
    const unsigned = await h.app.inject({ method: 'POST', url: '/v1/status', payload: { caller: { platform: 'local', openid: 'x' } } })
    expect(unsigned.statusCode).toBe(401)
    expect(securityHeaders(unsigned)).toEqual(ref401)
    const ref400 = securityHeaders(await reference.inject({ method: 'POST', url: '/bad', payload: {} }))
    const bad = await h.post('/v1/status', '{not json')
    expect(bad.statusCode).toBe(400)
    expect(securityHeaders(bad)).toEqual(ref400)
  })
})
