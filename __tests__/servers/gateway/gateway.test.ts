import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { FastifyInstance } from 'fastify'
import { ok } from '../../../src/core/errors'
import { buildGateway, GatewayRefusedError, type GatewayOptions } from '../../../servers/gateway/app'
import { issueToken, deriveTokenSecret, LOCAL_OPENID_PATTERN } from '../../../servers/gateway/token'
import { H5_NOT_BUILT_MESSAGE } from '../../../servers/gateway/static'
import { FakeBackend } from '../../cloudfunctions/fakes'

const SECRET = 'gateway-test-secret-0123456789abcdefgh'
let now = new Date('2026-11-27T02:00:00.000Z')
const clock = { now: () => now }

let h5Dir: string
let outside: string
const apps: FastifyInstance[] = []

beforeAll(() => {
  h5Dir = mkdtempSync(join(tmpdir(), 'yl-h5-'))
  outside = mkdtempSync(join(tmpdir(), 'yl-outside-'))
  writeFileSync(join(h5Dir, 'index.html'), '<!doctype html><title>银龄认证</title><div id="app"></div>')
  mkdirSync(join(h5Dir, 'js'))
  writeFileSync(join(h5Dir, 'js', 'app.1234.js'), 'console.log("app")')
  mkdirSync(join(h5Dir, 'css'))
  writeFileSync(join(h5Dir, 'css', 'app.css'), 'body{}')
  writeFileSync(join(h5Dir, '.secret'), 'hidden')
  writeFileSync(join(outside, 'passwd'), 'not yours')
  symlinkSync(join(outside, 'passwd'), join(h5Dir, 'link.txt'))
})
afterAll(async () => {
  await Promise.all(apps.map((a) => a.close()))
  rmSync(h5Dir, { recursive: true, force: true })
  rmSync(outside, { recursive: true, force: true })
})
beforeEach(() => {
  now = new Date('2026-11-27T02:00:00.000Z')
})

function gateway(overrides: Partial<GatewayOptions> = {}, backend = new FakeBackend()): { app: FastifyInstance; backend: FakeBackend } {
  const app = buildGateway({ backendUrl: 'http://127.0.0.1:1', hmacKeyId: 'k1', hmacSecret: SECRET, h5Dir, clock, nodeEnv: 'test', backend, ...overrides })
  apps.push(app)
  return { app, backend }
}

async function login(app: FastifyInstance): Promise<{ token: string; openid: string }> {
  const res = await app.inject({ method: 'POST', url: '/auth/local-login' })
  expect(res.statusCode).toBe(200)
  return res.json().data
}

describe('local sign-in', () => {
  test('issues a random local openid and a signed token without personal data', async () => {
    const { app } = gateway()
    const res = await app.inject({ method: 'POST', url: '/auth/local-login', payload: { name: '王秀英' } })
    expect(res.statusCode).toBe(200)
    expect(res.headers['cache-control']).toBe('no-store')
    const body = res.json()
    expect(body.ok).toBe(true)
    expect(body.data.openid).toMatch(LOCAL_OPENID_PATTERN)
    expect(Date.parse(body.data.expiresAt)).toBeGreaterThan(now.getTime())
    const [payload] = body.data.token.split('.')
    const decoded = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'))
    expect(Object.keys(decoded).sort()).toEqual(['exp', 'iat', 'sub', 'v'])
    expect(decoded.sub).toBe(body.data.openid)
    expect(body.data.token).not.toContain('王')
    const second = (await app.inject({ method: 'POST', url: '/auth/local-login' })).json()
    expect(second.data.openid).not.toBe(body.data.openid)
  })

  test('the token identifies the caller to the handlers', async () => {
    const backend = new FakeBackend().answer('/v1/status', ok({ bound: false as const }))
    const { app } = gateway({}, backend)
    const { token, openid } = await login(app)
    const res = await app.inject({ method: 'POST', url: '/fn/getStatus', headers: { authorization: `Bearer ${token}` }, payload: {} })
    expect(res.statusCode).toBe(200)
    expect(res.json()).toEqual({ ok: true, data: { bound: false } })
    expect(backend.calls).toEqual([{ route: '/v1/status', body: { caller: { platform: 'local', openid } } }])
  })
})

describe('authorisation', () => {
  const UNAUTH = { ok: false, error: { code: 'UNAUTHENTICATED', message: '请先登录' } }

  test.each([
    ['no header', undefined],
    ['not bearer', 'Basic abc'],
    ['garbage', 'Bearer garbage'],
    ['empty', 'Bearer '],
  ])('%s → 401 UNAUTHENTICATED', async (_label, authorization) => {
    const { app, backend } = gateway()
    const res = await app.inject({ method: 'POST', url: '/fn/getStatus', headers: authorization ? { authorization } : {}, payload: {} })
    expect(res.statusCode).toBe(401)
    expect(res.json()).toEqual(UNAUTH)
    expect(backend.calls).toHaveLength(0)
  })

  test('a token signed with another secret → 401', async () => {
    const { app } = gateway()
    const forged = issueToken(deriveTokenSecret('another-secret-0123456789abcdefghijk'), 'local_AAAAAAAAAAAAAAAAAAAAAA', now.getTime()).token
    const res = await app.inject({ method: 'POST', url: '/fn/getStatus', headers: { authorization: `Bearer ${forged}` } })
    expect(res.statusCode).toBe(401)
  })

  test('a tampered token → 401', async () => {
    const { app } = gateway()
    const { token } = await login(app)
    const [payload, sig] = token.split('.')
    const altered = JSON.parse(Buffer.from(payload, 'base64url').toString())
    altered.sub = 'local_BBBBBBBBBBBBBBBBBBBBBB'
    const forged = `${Buffer.from(JSON.stringify(altered)).toString('base64url')}.${sig}`
    expect((await app.inject({ method: 'POST', url: '/fn/getStatus', headers: { authorization: `Bearer ${forged}` } })).statusCode).toBe(401)
  })

  test('an expired token → 401', async () => {
    const { app } = gateway({ tokenTtlMs: 60_000 })
    const { token } = await login(app)
    now = new Date(now.getTime() + 61_000)
    expect((await app.inject({ method: 'POST', url: '/fn/getStatus', headers: { authorization: `Bearer ${token}` } })).statusCode).toBe(401)
  })

  test('the unauthenticated body is not even parsed', async () => {
    const { app } = gateway()
    const res = await app.inject({ method: 'POST', url: '/fn/getStatus', headers: { 'content-type': 'application/json' }, payload: '{oops' })
    expect(res.statusCode).toBe(401)
  })
})

describe('routing and bad input', () => {
  test('unknown function → 404 NOT_FOUND', async () => {
    const { app } = gateway()
    const { token } = await login(app)
    for (const name of ['nope', 'toString', '__proto__', 'constructor']) {
      const res = await app.inject({ method: 'POST', url: `/fn/${name}`, headers: { authorization: `Bearer ${token}` }, payload: {} })
      expect(res.statusCode).toBe(404)
      expect(res.json()).toEqual({ ok: false, error: { code: 'NOT_FOUND', message: '请求的内容不存在' } })
    }
    expect((await app.inject({ method: 'POST', url: '/fn/nope', payload: {} })).statusCode).toBe(404)
  })

  test('malformed JSON → 400 BAD_REQUEST without a stack trace', async () => {
    const { app } = gateway()
    const { token } = await login(app)
    const res = await app.inject({
      method: 'POST',
      url: '/fn/bindIdentity',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      payload: '{"method": "manual",',
    })
    expect(res.statusCode).toBe(400)
    expect(res.json()).toEqual({ ok: false, error: { code: 'BAD_REQUEST', message: '请求格式不正确' } })
    expect(res.body).not.toMatch(/at |stack|SyntaxError/)
  })

  test('prototype poisoning → 400', async () => {
    const { app } = gateway()
    const { token } = await login(app)
    const res = await app.inject({
      method: 'POST',
      url: '/fn/login',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      payload: '{"__proto__": {"admin": true}}',
    })
    expect(res.statusCode).toBe(400)
    expect(res.json().error.code).toBe('BAD_REQUEST')
  })

  test('a JSON body that is not an object → 400', async () => {
    const { app } = gateway()
    const { token } = await login(app)
    for (const payload of ['[1,2]', '"text"', '42', 'null']) {
      const res = await app.inject({ method: 'POST', url: '/fn/login', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, payload })
      expect([res.statusCode, res.json().error?.code]).toEqual([400, 'BAD_REQUEST'])
    }
  })

  test('an empty body is an empty event', async () => {
    const backend = new FakeBackend().answer('/v1/accounts/login', ok({ bound: false }))
    const { app } = gateway({}, backend)
    const { token } = await login(app)
    for (const headers of [{}, { 'content-type': 'application/json' }]) {
      const res = await app.inject({ method: 'POST', url: '/fn/login', headers: { authorization: `Bearer ${token}`, ...headers } })
      expect(res.statusCode).toBe(200)
      expect(res.json()).toEqual({ ok: true, data: { bound: false } })
    }
  })

  test('unsupported content type → 415 BAD_REQUEST', async () => {
    const { app } = gateway()
    const { token } = await login(app)
    const res = await app.inject({ method: 'POST', url: '/fn/login', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/xml' }, payload: '<a/>' })
    expect(res.statusCode).toBe(415)
    expect(res.json().error.code).toBe('BAD_REQUEST')
  })

  test('oversized body → 413 PAYLOAD_TOO_LARGE', async () => {
    const { app } = gateway({ bodyLimit: 2048 })
    const { token } = await login(app)
    const res = await app.inject({
      method: 'POST',
      url: '/fn/bindIdentity',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      payload: JSON.stringify({ method: 'ssc', authorization: 'x'.repeat(5000) }),
    })
    expect(res.statusCode).toBe(413)
    expect(res.json()).toEqual({ ok: false, error: { code: 'PAYLOAD_TOO_LARGE', message: '提交的内容过大' } })
  })

  test('validation failures answer HTTP 200 with the typed result', async () => {
    const { app, backend } = gateway()
    const { token } = await login(app)
    const res = await app.inject({
      method: 'POST',
      url: '/fn/bindIdentity',
      headers: { authorization: `Bearer ${token}` },
      payload: { method: 'manual', name: '王秀英', idNumber: '110101195203140128', cardNumber: 'A00000001', insuranceType: 'enterprise' },
    })
    expect(res.statusCode).toBe(200)
    expect(res.json()).toEqual({ ok: false, error: { code: 'ID_CHECKSUM', message: '身份证号校验位错误，请核对最后一位', field: 'idNumber' } })
    expect(backend.calls).toHaveLength(0)
  })

  test('backend down → HTTP 200 with SERVICE_UNAVAILABLE (through the real client)', async () => {
    const problems: string[] = []
    const app = buildGateway({ backendUrl: 'http://127.0.0.1:9', hmacKeyId: 'k1', hmacSecret: SECRET, h5Dir, clock, nodeEnv: 'test', backendTimeoutMs: 500, logBackendProblem: (m) => problems.push(m) })
    apps.push(app)
    const { token } = await login(app)
    const res = await app.inject({ method: 'POST', url: '/fn/getStatus', headers: { authorization: `Bearer ${token}` }, payload: {} })
    expect(res.statusCode).toBe(200)
    expect(res.json()).toEqual({ ok: false, error: { code: 'SERVICE_UNAVAILABLE', message: '服务暂时不可用，请稍后再试' } })
    expect(problems).toEqual([expect.stringContaining('/v1/status unreachable')])
  })

  test('local sign-in allows localSscAuthorize (never production here)', async () => {
    const backend = new FakeBackend().answer('/v1/ssc/local-authorize', ok({ authorization: 'signed-xyz-0123456789' }))
    const { app } = gateway({}, backend)
    const { token } = await login(app)
    const res = await app.inject({ method: 'POST', url: '/fn/localSscAuthorize', headers: { authorization: `Bearer ${token}` }, payload: { name: '王秀英', idNumber: '110101195203140127' } })
    expect(res.json()).toEqual({ ok: true, data: { authorization: 'signed-xyz-0123456789' } })
  })

  test('GET on an API path or unknown method → 404 JSON, not the SPA page', async () => {
    const { app } = gateway()
    for (const url of ['/fn/login', '/auth/local-login', '/auth/nothing']) {
      const res = await app.inject({ method: 'GET', url })
      expect(res.statusCode).toBe(404)
      expect(res.json().error.code).toBe('NOT_FOUND')
    }
    expect((await app.inject({ method: 'DELETE', url: '/fn/login' })).statusCode).toBe(404)
  })

  test('/healthz', async () => {
    const { app } = gateway()
    const res = await app.inject({ method: 'GET', url: '/healthz' })
    expect(res.statusCode).toBe(200)
    expect(res.json()).toEqual({ status: 'ok', service: 'gateway' })
  })

  test.each([
    ['GET', '/%c0%ae%c0%ae/x'],
    ['POST', '/fn/%c0%ae'],
    ['POST', '/fn/getStatus%'],
    ['GET', '/js/%E0%A4%A.js'],
  ])('malformed percent-encoding (%s %s) → 400 BAD_REQUEST, echoing nothing and naming no framework', async (method, url) => {
    const { app } = gateway()
    const { token } = await login(app)
    const res = await app.inject({
      method: method as 'GET' | 'POST',
      url,
      ...(method === 'POST' ? { payload: '{}', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' } } : {}),
    })
    expect(res.statusCode).toBe(400)
    expect(res.json()).toEqual({ ok: false, error: { code: 'BAD_REQUEST', message: '请求格式不正确' } })
    expect(res.body).not.toMatch(/%c0|%E0|fastify|FST_|Bad Request|url component/i)
  })

  test('a function name over the path-parameter limit → 414 BAD_REQUEST, not the framework\'s answer', async () => {
    const { app } = gateway()
    const res = await app.inject({ method: 'POST', url: `/fn/${'a'.repeat(200)}`, payload: {} })
    expect(res.statusCode).toBe(414)
    expect(res.json()).toEqual({ ok: false, error: { code: 'BAD_REQUEST', message: '请求格式不正确' } })
    expect(res.headers['x-content-type-options']).toBe('nosniff')
  })

  test.each([
    ['invalid JSON', 'application/json', '{"a":', 400, 'BAD_REQUEST'],
    ['a content type nobody reads', 'application/xml', '<hello/>', 415, 'BAD_REQUEST'],
    ['a text body instead of an event', 'text/plain', 'hello', 400, 'BAD_REQUEST'],
    ['a body over the limit', 'application/json', JSON.stringify({ pad: 'x'.repeat(300_000) }), 413, 'PAYLOAD_TOO_LARGE'],
  ])('%s → the project format only', async (_what, contentType, payload, status, code) => {
    const { app } = gateway()
    const { token } = await login(app)
    const res = await app.inject({ method: 'POST', url: '/fn/getStatus', payload, headers: { authorization: `Bearer ${token}`, 'content-type': contentType } })
    expect(res.statusCode).toBe(status)
    expect(res.json()).toEqual({ ok: false, error: { code, message: expect.stringMatching(/[\u4e00-\u9fff]/) } })
    expect(res.body).not.toMatch(/fastify|FST_|statusCode|Unexpected|hello/i)
  })
})

describe('probes', () => {
  test('/readyz follows the backend: ready → 200, not ready → 503 SERVICE_UNAVAILABLE', async () => {
    let ready = true
    const { app } = gateway({ backendReady: async () => ready })
    const res = await app.inject({ method: 'GET', url: '/readyz' })
    expect(res.statusCode).toBe(200)
    expect(res.json()).toEqual({ status: 'ready', service: 'gateway' })
    expect(res.headers['cache-control']).toBe('no-store')
    ready = false
    const down = await app.inject({ method: 'GET', url: '/readyz' })
    expect(down.statusCode).toBe(503)
    expect(down.json()).toEqual({ ok: false, error: { code: 'SERVICE_UNAVAILABLE', message: '服务暂时不可用，请稍后再试' } })
    expect((await app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200)
  })

  test('by default /readyz asks the backend, and an unreachable backend is not ready', async () => {
    const { app } = gateway({ backendUrl: 'http://127.0.0.1:1' })
    expect((await app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(503)
  })

  test('a burst of probes is answered in full (no limit on them), never the SPA page', async () => {
    const { app } = gateway({ backendReady: async () => true })
    const answers = await Promise.all(Array.from({ length: 400 }, (_, i) => app.inject({ method: 'GET', url: i % 2 ? '/readyz' : '/healthz' })))
    expect(answers.map((r) => r.statusCode)).toEqual(Array(400).fill(200))
    expect(answers.every((r) => String(r.headers['content-type']).startsWith('application/json'))).toBe(true)
  })
})

describe('production refusal', () => {
  test('buildGateway refuses NODE_ENV=production', () => {
    expect(() => buildGateway({ backendUrl: 'http://x', hmacKeyId: 'k1', hmacSecret: SECRET, nodeEnv: 'production' })).toThrow(GatewayRefusedError)
  })

  test('and reads process.env.NODE_ENV by default', () => {
    const saved = process.env.NODE_ENV
    process.env.NODE_ENV = 'production'
    try {
      expect(() => buildGateway({ backendUrl: 'http://x', hmacKeyId: 'k1', hmacSecret: SECRET })).toThrow(/NODE_ENV=production/)
    } finally {
      process.env.NODE_ENV = saved
    }
  })
})

describe('H5 static files', () => {
  test('serves index.html at / with security headers', async () => {
    const { app } = gateway()
    const res = await app.inject({ method: 'GET', url: '/' })
    expect(res.statusCode).toBe(200)
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8')
    expect(res.body).toContain('银龄认证')
    expect(res.headers['x-content-type-options']).toBe('nosniff')
    expect(res.headers['cache-control']).toBe('no-cache')
  })

  test('serves assets with their content type, and 304 on a matching etag', async () => {
    const { app } = gateway()
    const js = await app.inject({ method: 'GET', url: '/js/app.1234.js?v=1' })
    expect(js.statusCode).toBe(200)
    expect(js.headers['content-type']).toBe('text/javascript; charset=utf-8')
    expect(js.body).toBe('console.log("app")')
    const again = await app.inject({ method: 'GET', url: '/js/app.1234.js', headers: { 'if-none-match': String(js.headers.etag) } })
    expect(again.statusCode).toBe(304)
    expect((await app.inject({ method: 'GET', url: '/css/app.css' })).headers['content-type']).toBe('text/css; charset=utf-8')
    expect((await app.inject({ method: 'HEAD', url: '/css/app.css' })).statusCode).toBe(200)
  })

  test('SPA fallback: app routes get index.html', async () => {
    const { app } = gateway()
    for (const url of ['/pages/index/index', '/pages/bind/index?from=share', '/subpackages/records/index', '/%E7%BB%91%E5%AE%9A']) {
      const res = await app.inject({ method: 'GET', url })
      expect([url, res.statusCode]).toEqual([url, 200])
      expect(res.body).toContain('<div id="app">')
    }
  })

  test('missing files with an extension → 404, not the SPA page', async () => {
    const { app } = gateway()
    const res = await app.inject({ method: 'GET', url: '/js/missing.js' })
    expect(res.statusCode).toBe(404)
    expect(res.body).not.toContain('<div id="app">')
  })

  test('nothing outside the build folder, no dotfiles, no symlink escapes', async () => {
    const { app } = gateway()
    for (const url of ['/../../etc/passwd', '/js/../../outside', '/%2e%2e/%2e%2e/etc/passwd', '/.secret', '/link.txt', '/js/%00.js', '/..%5c..%5cetc%5cpasswd']) {
      const res = await app.inject({ method: 'GET', url })
      // Paths that climb out are normalised back inside (at worst: the SPA page); never a leak.
      expect([url, res.statusCode < 500, res.body.includes('not yours'), res.body.includes('hidden')]).toEqual([url, true, false, false])
    }
    for (const url of ['/.secret', '/link.txt', '/js/%00.js', '/..%5c..%5cetc%5cpasswd', '/%2e%2e/%2e%2e/etc/passwd.txt']) {
      const res = await app.inject({ method: 'GET', url })
      expect([url, res.statusCode]).toEqual([url, expect.any(Number)])
      expect(res.statusCode === 404 || res.statusCode === 400).toBe(true)
    }
  })

  test('no H5 build yet → a plain message saying how to build', async () => {
    const { app } = gateway({ h5Dir: join(h5Dir, 'does-not-exist') })
    const res = await app.inject({ method: 'GET', url: '/' })
    expect(res.statusCode).toBe(503)
    expect(res.body).toBe(H5_NOT_BUILT_MESSAGE)
    const none = gateway({ h5Dir: null }).app
    expect((await none.inject({ method: 'GET', url: '/pages/index/index' })).statusCode).toBe(503)
  })
})
