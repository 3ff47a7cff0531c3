import { DIALECTS, STORE_SETUP_TIMEOUT_MS } from '../../support/db'
import { newCaller, startHarness, type Harness } from '../helpers/harness'
import { signedHeaders } from '../helpers/signing'

describe.each(DIALECTS)('request signatures on %s', (dialect) => {
  let h: Harness
  beforeAll(async () => {
    h = await startHarness(dialect)
  }, STORE_SETUP_TIMEOUT_MS)
  afterAll(async () => h?.close())

  const body = () => JSON.stringify({ caller: newCaller() })

  it('accepts a valid signature', async () => {
    const res = await h.post('/v1/accounts/login', body())
    expect(res.statusCode).toBe(200)
    expect(res.json()).toEqual({ bound: false })
  })

  it('refuses a request without signature headers', async () => {
    const res = await h.app.inject({ method: 'POST', url: '/v1/accounts/login', payload: body(), headers: { 'content-type': 'application/json' } })
    expect(res.statusCode).toBe(401)
    expect(res.json().error.code).toBe('SIGNATURE_MISSING')
  })

  it('refuses a wrong secret, an unknown key id and a tampered body', async () => {
    const wrongSecret = await h.post('/v1/accounts/login', body(), { secret: 'another-secret-another-secret-another' })
    expect(wrongSecret.statusCode).toBe(401)
    expect(wrongSecret.json().error.code).toBe('SIGNATURE_INVALID')

    const unknownKey = await h.post('/v1/accounts/login', body(), { keyId: 'k9' })
    expect(unknownKey.json().error.code).toBe('SIGNATURE_INVALID')

    const signedFor = body()
    const headers = signedHeaders('POST', '/v1/accounts/login', signedFor, { timestamp: h.now.getTime() })
    const tampered = await h.app.inject({
      method: 'POST',
      url: '/v1/accounts/login',
      payload: signedFor.replace('"local"', '"wechat"'),
      headers: { 'content-type': 'application/json', ...headers },
    })
    expect(tampered.statusCode).toBe(401)
    expect(tampered.json().error.code).toBe('SIGNATURE_INVALID')
  })

  it('refuses a signature made for another path', async () => {
    const payload = body()
    const headers = signedHeaders('POST', '/v1/status', payload, { timestamp: h.now.getTime() })
    const res = await h.app.inject({ method: 'POST', url: '/v1/accounts/login', payload, headers: { 'content-type': 'application/json', ...headers } })
    expect(res.json().error.code).toBe('SIGNATURE_INVALID')
  })

  it('refuses stale and future timestamps (more than 5 minutes off)', async () => {
    const stale = await h.post('/v1/accounts/login', body(), { timestamp: h.now.getTime() - 5 * 60 * 1000 - 1 })
    expect(stale.statusCode).toBe(401)
    expect(stale.json().error.code).toBe('REQUEST_STALE')
    const future = await h.post('/v1/accounts/login', body(), { timestamp: h.now.getTime() + 6 * 60 * 1000 })
    expect(future.json().error.code).toBe('REQUEST_STALE')
    const edge = await h.post('/v1/accounts/login', body(), { timestamp: h.now.getTime() - 4 * 60 * 1000 })
    expect(edge.statusCode).toBe(200)
  })

  it('refuses a replayed nonce, even with a fresh valid signature', async () => {
    const nonce = 'replay-nonce-0123456789'
    const first = await h.post('/v1/accounts/login', body(), { nonce })
    expect(first.statusCode).toBe(200)
    const again = await h.post('/v1/accounts/login', body(), { nonce })
    expect(again.statusCode).toBe(401)
    expect(again.json().error.code).toBe('REQUEST_REPLAYED')
  })

  it('does not burn a nonce on a request with a bad signature', async () => {
    const nonce = 'not-burnt-nonce-0123456789'
    const bad = await h.post('/v1/accounts/login', body(), { nonce, secret: 'wrong-wrong-wrong-wrong-wrong-wrong-wrong' })
    expect(bad.json().error.code).toBe('SIGNATURE_INVALID')
    const good = await h.post('/v1/accounts/login', body(), { nonce })
    expect(good.statusCode).toBe(200)
  })

  it('refuses malformed nonces and signatures', async () => {
    const res = await h.post('/v1/accounts/login', body(), { nonce: 'short' })
    expect(res.json().error.code).toBe('SIGNATURE_INVALID')
  })

  it('leaves /healthz unsigned', async () => {
    const res = await h.app.inject({ method: 'GET', url: '/healthz' })
    expect(res.statusCode).toBe(200)
    expect(res.json()).toEqual({ status: 'ok', store: dialect })
  })
})
