/**
 * The WeChat entries (index.ts) with wx-server-sdk replaced by a stand-in: OPENID from
 * getWXContext becomes the caller, env vars configure the backend, local-only functions stay off.
 */
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'

jest.mock(
  'wx-server-sdk',
  () => {
    const context: { OPENID?: string } = {}
    return { DYNAMIC_CURRENT_ENV: Symbol('current'), init: jest.fn(), getWXContext: () => context, context }
  },
  { virtual: true },
)

import { main as apiMain } from '../../cloudfunctions/api/index'
import { isProductionDeployment } from '../../cloudfunctions/_shared/wechat-entry'

/** The routed function `api` called as the mini-program calls it: {name, data}. */
const getStatusMain = (data: unknown) => apiMain({ name: 'getStatus', data })
const localSscMain = (data: unknown) => apiMain({ name: 'localSscAuthorize', data })

const sdk = jest.requireMock('wx-server-sdk') as { init: jest.Mock; context: { OPENID?: string } }
const wxContext = sdk.context
const init = sdk.init

const ENV_KEYS = ['BACKEND_URL', 'BACKEND_HMAC_SECRET', 'BACKEND_HMAC_KEY_ID', 'LOCAL_SSC_ENABLED', 'NODE_ENV'] as const
const saved: Record<string, string | undefined> = {}
let server: Server
let received: { url?: string; body: unknown; headers: Record<string, unknown> }[] = []

beforeAll(async () => {
  for (const k of ENV_KEYS) saved[k] = process.env[k]
  server = createServer((req, res) => {
    let body = ''
    req.on('data', (c) => (body += c))
    req.on('end', () => {
      received.push({ url: req.url, body: JSON.parse(body), headers: req.headers })
      res.setHeader('content-type', 'application/json')
      res.end(JSON.stringify(req.url === '/v1/ssc/local-authorize' ? { authorization: 'signed-authorization-xyz' } : { bound: false }))
    })
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
})
afterAll(async () => {
  for (const k of ENV_KEYS) (saved[k] === undefined ? delete process.env[k] : (process.env[k] = saved[k]))
  await new Promise((r) => server.close(r))
})
beforeEach(() => {
  received = []
  process.env.BACKEND_URL = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  process.env.BACKEND_HMAC_SECRET = 'entry-test-secret-0123456789abcdefghij'
  delete process.env.LOCAL_SSC_ENABLED
  process.env.NODE_ENV = 'test'
})

test('init uses the dynamic current environment', () => {
  expect(init).toHaveBeenCalledWith({ env: expect.any(Symbol) })
})

test('OPENID becomes the signed caller', async () => {
  wxContext.OPENID = 'oAbCdEfGhIjKlMnOpQrStUvWxYz0'
  expect(await getStatusMain({ caller: { platform: 'local', openid: 'spoofed_openid' } })).toEqual({ ok: true, data: { bound: false } })
  expect(received).toHaveLength(1)
  expect(received[0].url).toBe('/v1/status')
  expect(received[0].body).toEqual({ caller: { platform: 'wechat', openid: 'oAbCdEfGhIjKlMnOpQrStUvWxYz0' } })
  expect(received[0].headers['x-yl-signature']).toMatch(/^[0-9a-f]{64}$/)
})

test('no OPENID (timer or misconfiguration) → UNAUTHENTICATED', async () => {
  delete wxContext.OPENID
  expect(await getStatusMain({})).toMatchObject({ ok: false, error: { code: 'UNAUTHENTICATED' } })
  expect(received).toHaveLength(0)
})

test('missing configuration → SERVICE_UNAVAILABLE, logged by variable name only', async () => {
  wxContext.OPENID = 'oAbCdEfGhIjKlMnOpQrStUvWxYz0'
  delete process.env.BACKEND_HMAC_SECRET
  const spy = jest.spyOn(console, 'error').mockImplementation(() => {})
  expect(await getStatusMain({})).toMatchObject({ ok: false, error: { code: 'SERVICE_UNAVAILABLE' } })
  expect(spy.mock.calls.flat().join(' ')).toContain('BACKEND_HMAC_SECRET')
  spy.mockRestore()
})

test('localSscAuthorize is off on WeChat unless LOCAL_SSC_ENABLED=1 outside production', async () => {
  wxContext.OPENID = 'oAbCdEfGhIjKlMnOpQrStUvWxYz0'
  const event = { name: '王秀英', idNumber: '110101195203140127' }
  expect(await localSscMain(event)).toMatchObject({ ok: false, error: { code: 'FORBIDDEN_IN_PRODUCTION' } })
  process.env.LOCAL_SSC_ENABLED = '1'
  expect(await localSscMain(event)).toEqual({ ok: true, data: { authorization: 'signed-authorization-xyz' } })
  process.env.NODE_ENV = 'production'
  expect(await localSscMain(event)).toMatchObject({ ok: false, error: { code: 'FORBIDDEN_IN_PRODUCTION' } })
  expect(received).toHaveLength(1)
})

test('`api` answers an unknown name NOT_FOUND without calling the backend', async () => {
  wxContext.OPENID = 'oAbCdEfGhIjKlMnOpQrStUvWxYz0'
  expect(await apiMain({ name: 'noSuchEndpoint', data: {} })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } })
  // Backend-only endpoints of the table are not callable through `api` either.
  expect(await apiMain({ name: 'claimReminders', data: {} })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } })
  expect(await apiMain(undefined)).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } })
  expect(received).toHaveLength(0)
})

test('isProductionDeployment', () => {
  expect(isProductionDeployment({})).toBe(true)
  expect(isProductionDeployment({ LOCAL_SSC_ENABLED: '1' })).toBe(false)
  expect(isProductionDeployment({ LOCAL_SSC_ENABLED: '1', NODE_ENV: 'production' })).toBe(true)
})
