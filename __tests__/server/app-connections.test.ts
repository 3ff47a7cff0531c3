/**
 * The backend on a real socket with short limits: a signed request whose body stalls is answered
 * 408 in the project format and closed; many stalled connections do not stop others being served.
 * (inject() has no sockets; the limits themselves are covered in plugins/connection-limits.test.ts.)
 */
import type { AddressInfo } from 'node:net'
import { BACKEND_HTTP_LIMITS } from '../../server/config/http-limits'
import { newCaller, startHarness, type Harness } from './helpers/harness'
import { signedHeaders } from './helpers/signing'
import { parseResponses, rawConnect } from './plugins/raw-socket'

const IDLE_MS = 300

let h: Harness
let port: number
beforeAll(async () => {
  h = await startHarness('sqlite', { config: { http: { ...BACKEND_HTTP_LIMITS, idleTimeoutMs: IDLE_MS } } })
  await h.app.listen({ port: 0, host: '127.0.0.1' })
  port = (h.app.server.address() as AddressInfo).port
})
afterAll(async () => h?.close())

function signedHead(path: string, body: string, announced: number): string {
  const headers = { host: 't', 'content-type': 'application/json', 'content-length': String(announced), ...signedHeaders('POST', path, body, { timestamp: h.now.getTime() }) }
  return `POST ${path} HTTP/1.1\r\n${Object.entries(headers).map(([k, v]) => `${k}: ${v}`).join('\r\n')}\r\n\r\n`
}

test('a signed request whose body stops after 1 byte → 408 REQUEST_TIMEOUT, connection closed', async () => {
  const body = JSON.stringify({ caller: newCaller() })
  const c = await rawConnect(port)
  await c.send(signedHead('/v1/status', body, body.length) + body.slice(0, 1))
  const sentAt = Date.now()
  const { text, closedAt } = await c.closed
  const responses = parseResponses(text)
  expect(responses).toHaveLength(1)
  expect(responses[0].status).toBe(408)
  expect(JSON.parse(responses[0].body)).toEqual({ error: { code: 'REQUEST_TIMEOUT', message: '网络太慢，内容没有传完，请再试一次' } })
  expect(closedAt - sentAt).toBeGreaterThanOrEqual(IDLE_MS / 2)
  // Far below every default limit: the configured one acted.
  expect(closedAt - sentAt).toBeLessThan(BACKEND_HTTP_LIMITS.idleTimeoutMs)
  expect(h.logs()).toContain('client went silent in the middle of a request')
  // A client's silence is the client's problem: nothing logged as a server error.
  expect(h.logs()).not.toMatch(/"level":(50|60)/)
})

test('an unsigned request is refused before its body arrives, and the connection is closed at once', async () => {
  const c = await rawConnect(port)
  await c.send('POST /v1/status HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{')
  const [res] = parseResponses((await c.closed).text)
  expect(res.status).toBe(401)
  expect(res.headers.connection).toBe('close')
  expect(JSON.parse(res.body).error.code).toBe('SIGNATURE_MISSING')
})

test('50 stalled signed connections are all closed with 408 while a complete request is served', async () => {
  const body = JSON.stringify({ caller: newCaller() })
  const conns = await Promise.all(Array.from({ length: 50 }, () => rawConnect(port)))
  await Promise.all(conns.map((c) => c.send(signedHead('/v1/status', body, body.length) + '{')))
  const fine = await fetch(`http://127.0.0.1:${port}/healthz`)
  expect(fine.status).toBe(200)
  const closed = await Promise.all(conns.map((c) => c.closed))
  expect(closed.map(({ text }) => parseResponses(text)[0]?.status)).toEqual(Array(50).fill(408))
})

test.each([
  ['GET', '/%c0%ae%c0%ae/x'],
  ['POST', '/fn/%c0%ae'],
])('%s %s on the wire → 400 BAD_REQUEST in the project format, echoing nothing', async (method, path) => {
  const c = await rawConnect(port)
  await c.send(`${method} ${path} HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}`)
  const [res] = await c.responses(1)
  expect(res.status).toBe(400)
  expect(JSON.parse(res.body)).toEqual({ error: { code: 'BAD_REQUEST', message: '请求格式不正确' } })
  expect(c.received()).not.toMatch(/%c0|fastify|FST_/i)
  c.socket.destroy()
})
