import { DIALECTS, STORE_SETUP_TIMEOUT_MS } from '../support/db'
import { DEMO, NOT_ON_ROSTER_ID } from './helpers/demo'
import { newCaller, startHarness, type Harness } from './helpers/harness'
import { signedHeaders } from './helpers/signing'

const noStack = (body: string) => {
  expect(body).not.toMatch(/\bat .+\(.+:\d+:\d+\)/)
  expect(body).not.toContain('node_modules')
  expect(body).not.toContain('stack')
}

describe.each(DIALECTS)('bad input on %s', (dialect) => {
  let h: Harness
  beforeAll(async () => {
    h = await startHarness(dialect)
  }, STORE_SETUP_TIMEOUT_MS)
  afterAll(async () => h?.close())

  it('answers malformed JSON with 400 BAD_REQUEST and no stack trace', async () => {
    const res = await h.post('/v1/bindings/manual', '{"caller": {"platform": "local",')
    expect(res.statusCode).toBe(400)
    expect(res.json()).toEqual({ error: { code: 'BAD_REQUEST', message: '请求格式不正确' } })
    noStack(res.body)
  })

  it('answers a JSON array or a string body with BAD_REQUEST', async () => {
    expect((await h.post('/v1/status', '[1,2]')).json().error.code).toBe('BAD_REQUEST')
    expect((await h.post('/v1/status', '"hello"')).json().error.code).toBe('BAD_REQUEST')
  })

  it('answers a body over 64 KB with 413 PAYLOAD_TOO_LARGE', async () => {
    const big = JSON.stringify({ caller: newCaller(), name: '王'.repeat(40_000) })
    const res = await h.post('/v1/bindings/manual', big)
    expect(res.statusCode).toBe(413)
    expect(res.json().error.code).toBe('PAYLOAD_TOO_LARGE')
    noStack(res.body)
  })

  it('answers a non-JSON content type with a 4xx BAD_REQUEST', async () => {
    const payload = 'name=x'
    const res = await h.app.inject({
      method: 'POST',
      url: '/v1/status',
      payload,
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...signedHeaders('POST', '/v1/status', payload, { timestamp: h.now.getTime() }) },
    })
    expect(res.statusCode).toBeGreaterThanOrEqual(400)
    expect(res.statusCode).toBeLessThan(500)
    expect(res.json().error.code).toBe('BAD_REQUEST')
  })

  it.each([
    ['GET', '/%c0%ae%c0%ae/x'],
    ['POST', '/fn/%c0%ae'],
    ['POST', '/v1/%c0%ae'],
    ['GET', '/healthz%'],
    ['GET', '/v1/status/%E0%A4%A'],
  ])('answers malformed percent-encoding (%s %s) with 400 BAD_REQUEST, echoing nothing and naming no framework', async (method, url) => {
    const res = await h.app.inject({ method: method as 'GET' | 'POST', url, ...(method === 'POST' ? { payload: '{}', headers: { 'content-type': 'application/json' } } : {}) })
    expect(res.statusCode).toBe(400)
    expect(res.json()).toEqual({ error: { code: 'BAD_REQUEST', message: '请求格式不正确' } })
    expect(res.body).not.toMatch(/%c0|%E0|fastify|FST_|Bad Request|url component/i)
    noStack(res.body)
  })

  it.each([
    ['invalid JSON', 'application/json', '{"caller":', 400, 'BAD_REQUEST'],
    ['an empty JSON body', 'application/json', '', 400, 'BAD_REQUEST'],
    ['a content type nobody reads', 'text/plain', 'hello', 415, 'BAD_REQUEST'],
    ['a body over the limit', 'application/json', JSON.stringify({ pad: 'x'.repeat(70_000) }), 413, 'PAYLOAD_TOO_LARGE'],
  ])('answers %s with the project format only (%s)', async (_what, contentType, payload, status, code) => {
    const headers = { 'content-type': contentType, ...signedHeaders('POST', '/v1/status', payload, { timestamp: h.now.getTime() }) }
    const res = await h.app.inject({ method: 'POST', url: '/v1/status', payload, headers })
    expect(res.statusCode).toBe(status)
    expect(Object.keys(res.json())).toEqual(['error'])
    expect(res.json().error).toEqual({ code, message: expect.stringMatching(/[\u4e00-\u9fff]/) })
    expect(res.body).not.toMatch(/fastify|FST_|statusCode|Unexpected|hello/i)
  })

  it('answers unknown routes with 404 NOT_FOUND in the same shape', async () => {
    const res = await h.app.inject({ method: 'GET', url: '/nothing-here' })
    expect(res.statusCode).toBe(404)
    expect(res.json()).toEqual({ error: { code: 'NOT_FOUND', message: expect.any(String) } })
  })

  it('answers wrong field types with the field name, never echoing the input', async () => {
    const res = await h.post('/v1/bindings/manual', { caller: newCaller(), name: 42, idNumber: DEMO.wang.idNumber, cardNumber: 'A00000001', insuranceType: 'enterprise' })
    expect(res.statusCode).toBe(400)
    expect(res.json().error).toMatchObject({ code: 'NAME_INVALID', field: 'name' })
    expect(res.body).not.toContain(DEMO.wang.idNumber)
  })

  it('never writes names, ID numbers or card numbers to the logs', async () => {
    const caller = newCaller()
    await h.post('/v1/bindings/manual', { caller, ...DEMO.sun })
    await h.post('/v1/bindings/manual', { caller: newCaller(), ...DEMO.sun })
    await h.post('/v1/bindings/manual', { caller: newCaller(), ...DEMO.li, name: '李建华' })
    await h.post('/v1/bindings/manual', { caller: newCaller(), ...DEMO.li, idNumber: NOT_ON_ROSTER_ID })
    await h.post('/v1/bindings/manual', { caller: newCaller(), ...DEMO.li, idNumber: DEMO.li.idNumber.slice(0, 17) + '0' })
    await h.post('/v1/ssc/local-authorize', { caller: newCaller(), name: DEMO.zhao.name, idNumber: DEMO.zhao.idNumber })
    await h.post('/v1/status', { caller })
    await h.post('/v1/bindings/manual', `{"caller":1,"idNumber":"${DEMO.chen.idNumber}"`)
    const logs = h.logs()
    expect(logs.length).toBeGreaterThan(0)
    expect(logs).toContain('request completed')
    for (const p of [DEMO.sun, DEMO.li, DEMO.zhao, DEMO.chen]) {
      expect(logs).not.toContain(p.idNumber)
      expect(logs).not.toContain(p.idNumber.slice(0, 17))
      expect(logs).not.toContain(p.name)
      expect(logs).not.toContain(p.cardNumber)
    }
    expect(logs).not.toContain(NOT_ON_ROSTER_ID)
    expect(logs).not.toContain('李建华')
  })

  it('never stores names, ID numbers or card numbers in clear text, nor in the audit log', async () => {
    const db = h.test.store.db
    const tables = ['persons', 'audit_log', 'read_audit_log', 'bindings', 'accounts', 'certification_records'] as const
    for (const table of tables) {
      const rows = await db.selectFrom(table).selectAll().execute()
      const dump = JSON.stringify(rows)
      for (const p of Object.values(DEMO)) {
        expect(dump).not.toContain(p.idNumber)
        expect(dump).not.toContain(p.name)
        expect(dump).not.toContain(p.cardNumber)
      }
    }
  })
})

describe('health probes', () => {
  it('/healthz and /readyz answer a burst far beyond the rate limit, unsigned, while signed routes stay limited', async () => {
    const h = await startHarness('sqlite', { build: { protection: { rateLimitMax: 3 } } })
    try {
      const probes = await Promise.all(
        Array.from({ length: 20 }, (_, i) => h.app.inject({ method: 'GET', url: i % 2 === 0 ? '/healthz' : '/readyz' })),
      )
      expect(probes.map((r) => r.statusCode)).toEqual(Array(20).fill(200))
      expect(probes[0].json()).toEqual({ status: 'ok', store: 'sqlite' })
      expect(probes[1].json()).toEqual({ status: 'ready', store: 'sqlite' })
      expect(probes[1].headers['cache-control']).toBe('no-store')
      const caller = newCaller()
      for (let i = 0; i < 3; i++) expect((await h.post('/v1/accounts/login', { caller })).statusCode).toBe(200)
      expect((await h.post('/v1/accounts/login', { caller })).statusCode).toBe(429)
      expect((await h.app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200)
    } finally {
      await h.close()
    }
  })

  it('under load shedding /healthz still answers 200 (a busy instance is alive) while /readyz and the API say 503', async () => {
    // Any heap is over a 1-byte limit: shedding starts with the first sample.
    const h = await startHarness('sqlite', { build: { protection: { maxHeapUsedBytes: 1 } } })
    try {
      const underPressure = () => (h.app as unknown as { isUnderPressure(): boolean }).isUnderPressure()
      while (!underPressure()) await new Promise((resolve) => setTimeout(resolve, 20))
      expect((await h.app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200)
      const ready = await h.app.inject({ method: 'GET', url: '/readyz' })
      expect(ready.statusCode).toBe(503)
      expect(ready.json()).toEqual({ error: { code: 'SERVICE_UNAVAILABLE', message: '服务暂时不可用，请稍后再试' } })
      expect((await h.post('/v1/accounts/login', { caller: newCaller() })).statusCode).toBe(503)
    } finally {
      await h.close()
    }
  })

  it('/readyz says 503 SERVICE_UNAVAILABLE once the store is gone, /healthz still 200', async () => {
    const h = await startHarness('sqlite')
    try {
      await h.test.store.db.destroy()
      const ready = await h.app.inject({ method: 'GET', url: '/readyz' })
      expect(ready.statusCode).toBe(503)
      expect(ready.json()).toEqual({ error: { code: 'SERVICE_UNAVAILABLE', message: '服务暂时不可用，请稍后再试' } })
      expect((await h.app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200)
    } finally {
      await h.app.close()
      await h.test.close().catch(() => undefined)
    }
  })
})

describe('global per-caller rate limit', () => {
  it('answers 429 RATE_LIMITED per caller, not per IP', async () => {
    const h = await startHarness('sqlite', { build: { protection: { rateLimitMax: 3 } } })
    try {
      const caller = newCaller()
      for (let i = 0; i < 3; i++) expect((await h.post('/v1/accounts/login', { caller })).statusCode).toBe(200)
      const limited = await h.post('/v1/accounts/login', { caller })
      expect(limited.statusCode).toBe(429)
      expect(limited.json()).toEqual({ error: { code: 'RATE_LIMITED', message: '操作太频繁，请稍后再试' } })
      expect((await h.post('/v1/accounts/login', { caller: newCaller() })).statusCode).toBe(200)
    } finally {
      await h.close()
    }
  })
})
