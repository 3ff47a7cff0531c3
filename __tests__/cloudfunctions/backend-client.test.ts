import { createHash, createHmac } from 'node:crypto'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { canonicalRequest, NONCE_PATTERN, SIGNATURE_HEADERS } from '../../src/core/signing'
import {
  createBackendClient,
  fetchTransport,
  interpret,
  keepAliveTransport,
  newNonce,
  nodeTransport,
  type HttpRequest,
  type HttpTransport,
} from '../../cloudfunctions/_shared/backend-client'
import { readBackendConfig } from '../../cloudfunctions/_shared/config'

const SECRET = 'test-secret-0123456789-abcdefghijklmnop'
const NOW = new Date('2026-11-27T02:00:00.000Z')
const caller = { platform: 'wechat', openid: 'oWx_test_openid_000001' }

function capture(status = 200, text = '{"bound":false}'): { transport: HttpTransport; requests: HttpRequest[] } {
  const requests: HttpRequest[] = []
  return { requests, transport: async (req) => (requests.push(req), { status, text }) }
}

describe('signing', () => {
  test('signature is HMAC-SHA256 over canonicalRequest of exactly the bytes sent', async () => {
    const { transport, requests } = capture()
    const client = createBackendClient({ baseUrl: 'http://backend.test:8787/', keyId: 'k7', secret: SECRET, transport, clock: { now: () => NOW }, nonce: () => 'nonce_abcdefghijklmnop' })
    const result = await client.post('/v1/status', { caller })
    expect(result).toEqual({ ok: true, data: { bound: false } })
    const [req] = requests
    expect(req.url).toBe('http://backend.test:8787/v1/status')
    expect(req.method).toBe('POST')
    expect(req.headers['content-type']).toBe('application/json')
    expect(JSON.parse(req.body)).toEqual({ caller })
    expect(req.headers[SIGNATURE_HEADERS.keyId]).toBe('k7')
    expect(req.headers[SIGNATURE_HEADERS.timestamp]).toBe(String(NOW.getTime()))
    expect(req.headers[SIGNATURE_HEADERS.nonce]).toBe('nonce_abcdefghijklmnop')
    // Independent recomputation with node:crypto.
    const bodyHash = createHash('sha256').update(Buffer.from(req.body, 'utf8')).digest('hex')
    const canonical = canonicalRequest('POST', '/v1/status', String(NOW.getTime()), 'nonce_abcdefghijklmnop', bodyHash)
    expect(canonical).toBe(`POST\n/v1/status\n${NOW.getTime()}\nnonce_abcdefghijklmnop\n${bodyHash}`)
    expect(req.headers[SIGNATURE_HEADERS.signature]).toBe(createHmac('sha256', Buffer.from(SECRET, 'utf8')).update(canonical).digest('hex'))
    expect(req.headers[SIGNATURE_HEADERS.signature]).toMatch(/^[0-9a-f]{64}$/)
  })

  test('non-ASCII bodies are hashed as UTF-8 and a base path is part of the signed path', async () => {
    const { transport, requests } = capture(200, '{"bound":true}')
    const client = createBackendClient({ baseUrl: 'https://gov.example/api', keyId: 'k1', secret: SECRET, transport, clock: { now: () => NOW }, nonce: () => 'n'.repeat(20) })
    await client.post('/v1/bindings/manual', { caller, name: '王秀英' })
    const [req] = requests
    expect(req.url).toBe('https://gov.example/api/v1/bindings/manual')
    const bodyHash = createHash('sha256').update(Buffer.from(req.body, 'utf8')).digest('hex')
    const expected = createHmac('sha256', SECRET).update(canonicalRequest('POST', '/api/v1/bindings/manual', String(NOW.getTime()), 'n'.repeat(20), bodyHash)).digest('hex')
    expect(req.headers[SIGNATURE_HEADERS.signature]).toBe(expected)
  })

  test('nonces are fresh and match the backend pattern', () => {
    const seen = new Set(Array.from({ length: 200 }, newNonce))
    expect(seen.size).toBe(200)
    for (const n of seen) expect(n).toMatch(NONCE_PATTERN)
  })

  test('nonces begin with their creation time, so they sort in the order they were made', () => {
    const t = Date.UTC(2026, 11, 6, 1, 50)
    const made = [t - 300_000, t - 1, t, t + 1, t + 86_400_000].map((ms) => newNonce(ms))
    for (const n of made) expect(n).toMatch(NONCE_PATTERN)
    expect([...made].sort()).toEqual(made)
    expect(made[2].slice(0, 12)).toBe(t.toString(16).padStart(12, '0'))
    // The random part is as long as before: 24 bytes.
    expect(Buffer.from(made[2].slice(12), 'base64url')).toHaveLength(24)
    expect(new Set(Array.from({ length: 200 }, () => newNonce(t))).size).toBe(200)
  })

  test('each call gets a new nonce by default', async () => {
    const { transport, requests } = capture()
    const client = createBackendClient({ baseUrl: 'http://b', keyId: 'k1', secret: SECRET, transport })
    await client.post('/v1/status', { caller })
    await client.post('/v1/status', { caller })
    expect(requests[0].headers[SIGNATURE_HEADERS.nonce]).not.toBe(requests[1].headers[SIGNATURE_HEADERS.nonce])
  })
})

describe('answers', () => {
  const quiet = () => {}
  test('2xx JSON object → ok', () => {
    expect(interpret('/v1/status', { status: 200, text: '{"bound":false}' })).toEqual({ ok: true, data: { bound: false } })
  })
  test.each([
    [200, 'not json'],
    [200, ''],
    [200, '"a string"'],
    [500, '{"error":{"code":"INTERNAL","message":"x"}}'],
    [502, '<html>bad gateway</html>'],
    [503, '{"error":{"code":"SERVICE_UNAVAILABLE","message":"服务暂时不可用，请稍后再试"}}'],
    [404, '{"message":"Route POST:/v1/x not found"}'],
    [400, 'garbage'],
    [401, '{"error":{"code":"SIGNATURE_INVALID","message":"请求签名无效"}}'],
    [401, '{"error":{"code":"SIGNATURE_MISSING","message":"请求未签名"}}'],
    [401, '{"error":{"code":"REQUEST_STALE","message":"请求已过期，请重试"}}'],
    [401, '{"error":{"code":"REQUEST_REPLAYED","message":"重复的请求"}}'],
    [400, '{"error":{"code":"NOT_A_REAL_CODE","message":"x"}}'],
    [302, ''],
  ])('HTTP %s %s → SERVICE_UNAVAILABLE', (status, text) => {
    expect(interpret('/v1/status', { status, text }, quiet)).toEqual({ ok: false, error: { code: 'SERVICE_UNAVAILABLE', message: '服务暂时不可用，请稍后再试' } })
  })
  test('4xx error body passes code, message and field through', () => {
    expect(interpret('/v1/bindings/manual', { status: 422, text: '{"error":{"code":"ID_CHECKSUM","message":"身份证号校验位错误，请核对最后一位","field":"idNumber"}}' })).toEqual({
      ok: false,
      error: { code: 'ID_CHECKSUM', message: '身份证号校验位错误，请核对最后一位', field: 'idNumber' },
    })
    expect(interpret('/v1/bindings/manual', { status: 404, text: '{"error":{"code":"PERSON_NOT_FOUND","message":"未找到参保信息，请核对后重试或联系当地社保经办机构"}}' })).toEqual({
      ok: false,
      error: { code: 'PERSON_NOT_FOUND', message: '未找到参保信息，请核对后重试或联系当地社保经办机构' },
    })
  })
  test('4xx with a known code but no message gets the standard message', () => {
    expect(interpret('/v1/status', { status: 409, text: '{"error":{"code":"ACCOUNT_ALREADY_BOUND"}}' })).toEqual({
      ok: false,
      error: { code: 'ACCOUNT_ALREADY_BOUND', message: '您已绑定本人社保卡，如需更换请先解除绑定' },
    })
  })
  test('detail is passed on only as checked facts of a code that carries them', () => {
    const answer = (detail: unknown, code = 'NOTICE_ALREADY_CERTIFIED') =>
      interpret('/v1/notices/resolve', { status: 409, text: JSON.stringify({ error: { code, message: '本年度已于2026年3月15日完成认证，无需再次认证', detail } }) })
    expect(answer({ passedOn: '2026-03-15' })).toEqual({
      ok: false,
      error: { code: 'NOTICE_ALREADY_CERTIFIED', message: '本年度已于2026年3月15日完成认证，无需再次认证', detail: { passedOn: '2026-03-15' } },
    })
    // not a real day, not a date, extra keys dropped, or a code without detail: no detail at all
    for (const bad of [{ passedOn: '2026-02-30' }, { passedOn: '<b>2026</b>' }, { passedOn: 20260315 }, 'x', null]) expect(answer(bad)).toMatchObject({ ok: false, error: { code: 'NOTICE_ALREADY_CERTIFIED' } })
    for (const bad of [{ passedOn: '2026-02-30' }, { passedOn: '<b>2026</b>' }, { passedOn: 20260315 }, 'x', null]) expect((answer(bad) as { error: object }).error).not.toHaveProperty('detail')
    expect(answer({ passedOn: '2026-03-15', note: 'x' })).toMatchObject({ error: { detail: { passedOn: '2026-03-15' } } })
    expect((answer({ passedOn: '2026-03-15', note: 'x' }) as { error: { detail: object } }).error.detail).toEqual({ passedOn: '2026-03-15' })
    expect((answer({ passedOn: '2026-03-15' }, 'SHARE_USED') as { error: object }).error).not.toHaveProperty('detail')
  })
  test('413 / 429 without a body keep their meaning', () => {
    expect(interpret('/v1/status', { status: 413, text: '' }, quiet)).toMatchObject({ ok: false, error: { code: 'PAYLOAD_TOO_LARGE' } })
    expect(interpret('/v1/status', { status: 429, text: '' }, quiet)).toMatchObject({ ok: false, error: { code: 'RATE_LIMITED' } })
  })
})

describe('network failures', () => {
  let server: Server
  let port: number
  let hang: boolean
  const sockets = new Set<import('node:net').Socket>()
  const keptAlive = keepAliveTransport()

  beforeAll(async () => {
    server = createServer((req, res) => {
      if (hang) return // never answer
      let body = ''
      req.on('data', (c) => (body += c))
      req.on('end', () => {
        res.setHeader('content-type', 'application/json')
        res.end(JSON.stringify({ echo: JSON.parse(body), sig: req.headers[SIGNATURE_HEADERS.signature] ?? null }))
      })
    })
    server.on('connection', (s) => (sockets.add(s), s.on('close', () => sockets.delete(s))))
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
    port = (server.address() as AddressInfo).port
  })
  afterAll(async () => {
    keptAlive.close()
    sockets.forEach((s) => s.destroy())
    await new Promise((r) => server.close(r))
  })

  test.each([
    ['fetch', fetchTransport],
    ['node:http', nodeTransport],
    ['node:http kept alive', keptAlive],
  ])('%s transport reaches a real server', async (_label, transport) => {
    hang = false
    const client = createBackendClient({ baseUrl: `http://127.0.0.1:${port}`, keyId: 'k1', secret: SECRET, transport })
    const result = await client.post('/v1/status', { caller })
    expect(result.ok).toBe(true)
    expect(result.ok && (result.data as unknown as { echo: unknown }).echo).toEqual({ caller })
  })

  test.each([
    ['fetch', fetchTransport],
    ['node:http', nodeTransport],
    ['node:http kept alive', keptAlive],
  ])('%s transport: timeout → SERVICE_UNAVAILABLE quickly', async (_label, transport) => {
    hang = true
    const logs: string[] = []
    const client = createBackendClient({ baseUrl: `http://127.0.0.1:${port}`, keyId: 'k1', secret: SECRET, transport, timeoutMs: 200, log: (m) => logs.push(m) })
    const started = Date.now()
    expect(await client.post('/v1/status', { caller })).toEqual({ ok: false, error: { code: 'SERVICE_UNAVAILABLE', message: '服务暂时不可用，请稍后再试' } })
    expect(Date.now() - started).toBeLessThan(2000)
    expect(logs.join('\n')).toContain('/v1/status unreachable')
  })

  test.each([
    ['fetch', fetchTransport],
    ['node:http', nodeTransport],
    ['node:http kept alive', keptAlive],
  ])('%s transport: connection refused → SERVICE_UNAVAILABLE', async (_label, transport) => {
    const closed = createServer()
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r))
    const closedPort = (closed.address() as AddressInfo).port
    await new Promise((r) => closed.close(r))
    const client = createBackendClient({ baseUrl: `http://127.0.0.1:${closedPort}`, keyId: 'k1', secret: SECRET, transport, log: () => {} })
    expect(await client.post('/v1/accounts/login', { caller })).toMatchObject({ ok: false, error: { code: 'SERVICE_UNAVAILABLE' } })
  })

  test('a malformed BACKEND_URL → SERVICE_UNAVAILABLE, never a throw', async () => {
    const client = createBackendClient({ baseUrl: 'not a url', keyId: 'k1', secret: SECRET, log: () => {} })
    expect(await client.post('/v1/status', { caller })).toMatchObject({ ok: false, error: { code: 'SERVICE_UNAVAILABLE' } })
  })
})

describe('readBackendConfig', () => {
  test('reads and defaults', () => {
    expect(readBackendConfig({ BACKEND_URL: 'https://b.example', BACKEND_HMAC_SECRET: SECRET })).toEqual({
      ok: true,
      config: { baseUrl: 'https://b.example', keyId: 'k1', secret: SECRET, timeoutMs: 2500 },
    })
    expect(readBackendConfig({ BACKEND_URL: 'https://b.example', BACKEND_HMAC_SECRET: SECRET, BACKEND_HMAC_KEY_ID: 'k2', BACKEND_TIMEOUT_MS: '1500' })).toMatchObject({
      ok: true,
      config: { keyId: 'k2', timeoutMs: 1500 },
    })
  })
  test('names what is missing', () => {
    expect(readBackendConfig({})).toEqual({ ok: false, missing: ['BACKEND_URL', 'BACKEND_HMAC_SECRET'] })
  })
})

describe('kept-alive connections (the gateway’s transport)', () => {
  let server: Server
  let port: number
  /** What the server does with the n-th request on a connection (1-based): answer, or drop the connection unanswered. */
  let onRequest: (nth: number) => 'answer' | 'drop'
  let requests = 0
  let connections = 0
  const open = new Set<import('node:net').Socket>()

  beforeAll(async () => {
    server = createServer((req, res) => {
      requests++
      const socket = req.socket as import('node:net').Socket & { served?: number }
      socket.served = (socket.served ?? 0) + 1
      if (onRequest(socket.served) === 'drop') return void socket.destroy()
      req.resume()
      req.on('end', () => {
        res.setHeader('content-type', 'application/json')
        res.end(JSON.stringify({ served: socket.served }))
      })
    })
    server.on('connection', (s) => {
      connections++
      open.add(s)
      s.on('close', () => open.delete(s))
    })
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
    port = (server.address() as AddressInfo).port
  })
  afterAll(async () => {
    open.forEach((s) => s.destroy())
    await new Promise((r) => server.close(r))
  })
  beforeEach(() => {
    open.forEach((s) => s.destroy())
    requests = 0
    connections = 0
    onRequest = () => 'answer'
  })

  /** A kept-alive transport closed after the test. */
  const transports: ReturnType<typeof keepAliveTransport>[] = []
  const keptAliveTransport = (options?: { idleMs?: number }) => {
    const t = keepAliveTransport(options)
    transports.push(t)
    return t
  }
  afterEach(() => transports.splice(0).forEach((t) => t.close()))

  const clientOver = (transport: HttpTransport) => createBackendClient({ baseUrl: `http://127.0.0.1:${port}`, keyId: 'k1', secret: SECRET, transport, log: () => {} })

  test('calls one after another share one connection', async () => {
    const transport = keptAliveTransport()
    const client = clientOver(transport)
    for (let i = 1; i <= 5; i++) expect(await client.post('/v1/status', { caller })).toEqual({ ok: true, data: { served: i } })
    expect({ requests, connections }).toEqual({ requests: 5, connections: 1 })
  })

  test('a kept-alive connection the server dropped as it was reused: the call is sent once more on a new one', async () => {
    const transport = keptAliveTransport()
    const client = clientOver(transport)
    expect(await client.post('/v1/status', { caller })).toEqual({ ok: true, data: { served: 1 } })
    onRequest = (nth) => (nth === 1 ? 'answer' : 'drop')
    expect(await client.post('/v1/status', { caller })).toEqual({ ok: true, data: { served: 1 } })
    expect({ requests, connections }).toEqual({ requests: 3, connections: 2 })
  })

  test('a connection dropped on its first request is not sent again, nor a reused one twice', async () => {
    const transport = keptAliveTransport()
    const client = clientOver(transport)
    onRequest = () => 'drop'
    expect(await client.post('/v1/status', { caller })).toMatchObject({ ok: false, error: { code: 'SERVICE_UNAVAILABLE' } })
    expect(requests).toBe(1)
    onRequest = (nth) => (nth === 1 ? 'answer' : 'drop')
    expect((await client.post('/v1/status', { caller })).ok).toBe(true)
    onRequest = () => 'drop'
    requests = 0
    expect(await client.post('/v1/status', { caller })).toMatchObject({ ok: false, error: { code: 'SERVICE_UNAVAILABLE' } })
    expect(requests).toBe(2)
  })

  test('an idle connection is closed by the caller after idleMs, and close() ends the rest', async () => {
    const transport = keptAliveTransport({ idleMs: 100 })
    expect((await clientOver(transport).post('/v1/status', { caller })).ok).toBe(true)
    expect(open.size).toBe(1)
    // No upper bound on when: only that it happens without the server closing it.
    while (open.size > 0) await new Promise((r) => setTimeout(r, 20))
    expect(connections).toBe(1)
    const lasting = keptAliveTransport()
    expect((await clientOver(lasting).post('/v1/status', { caller })).ok).toBe(true)
    expect(open.size).toBe(1)
    lasting.close()
    while (open.size > 0) await new Promise((r) => setTimeout(r, 20))
  })
})
