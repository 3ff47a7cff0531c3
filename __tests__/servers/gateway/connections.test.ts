/**
 * The gateway on a real socket with a short idle limit: a phone whose upload stalls gets a 408 in the
 * gateway's format ({ok:false, error}) and the connection is closed; an unauthenticated upload is
 * refused before its body and closed at once. Waits for the server's answer and close, never for time.
 */
import type { AddressInfo } from 'node:net'
import type { FastifyInstance } from 'fastify'
import { buildGateway } from '../../../servers/gateway/app'
import { GATEWAY_HTTP_LIMITS } from '../../../server/config/http-limits'
import { FakeBackend } from '../../cloudfunctions/fakes'
import { parseResponses, rawConnect } from '../../server/plugins/raw-socket'

const IDLE_MS = 300
let app: FastifyInstance
let port: number
let token: string

beforeAll(async () => {
  app = buildGateway({
    backendUrl: 'http://127.0.0.1:1',
    hmacKeyId: 'k1',
    hmacSecret: 'gateway-test-secret-0123456789abcdefgh',
    h5Dir: null,
    nodeEnv: 'test',
    backend: new FakeBackend(),
    http: { ...GATEWAY_HTTP_LIMITS, idleTimeoutMs: IDLE_MS },
  })
  await app.listen({ port: 0, host: '127.0.0.1' })
  port = (app.server.address() as AddressInfo).port
  token = (await app.inject({ method: 'POST', url: '/auth/local-login' })).json().data.token
})
afterAll(async () => app?.close())

const head = (auth: boolean) =>
  `POST /fn/getStatus HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\nContent-Length: 100\r\n${auth ? `Authorization: Bearer ${token}\r\n` : ''}\r\n`

test('a signed-in upload that stops after 1 byte → 408 REQUEST_TIMEOUT in the gateway format, closed', async () => {
  const c = await rawConnect(port)
  await c.send(head(true) + '{')
  const sentAt = Date.now()
  const { text, closedAt } = await c.closed
  const responses = parseResponses(text)
  expect(responses).toHaveLength(1)
  expect(responses[0].status).toBe(408)
  expect(JSON.parse(responses[0].body)).toEqual({ ok: false, error: { code: 'REQUEST_TIMEOUT', message: '网络太慢，内容没有传完，请再试一次' } })
  expect(closedAt - sentAt).toBeGreaterThanOrEqual(IDLE_MS / 2)
  // Far below every default limit: the configured one acted.
  expect(closedAt - sentAt).toBeLessThan(GATEWAY_HTTP_LIMITS.idleTimeoutMs)
})

test('an upload without sign-in is refused with 401 before its body and the connection closed', async () => {
  const c = await rawConnect(port)
  await c.send(head(false) + '{')
  const [res] = parseResponses((await c.closed).text)
  expect(res.status).toBe(401)
  expect(res.headers.connection).toBe('close')
  expect(JSON.parse(res.body)).toEqual({ ok: false, error: { code: 'UNAUTHENTICATED', message: '请先登录' } })
})

test('POST /fn/%c0%ae on the wire → 400 BAD_REQUEST in the gateway format, echoing nothing', async () => {
  const c = await rawConnect(port)
  await c.send(`POST /fn/%c0%ae HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\nContent-Length: 2\r\nAuthorization: Bearer ${token}\r\n\r\n{}`)
  const [res] = await c.responses(1)
  expect(res.status).toBe(400)
  expect(JSON.parse(res.body)).toEqual({ ok: false, error: { code: 'BAD_REQUEST', message: '请求格式不正确' } })
  expect(c.received()).not.toMatch(/%c0|fastify|FST_/i)
  c.socket.destroy()
})
