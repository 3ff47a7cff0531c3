/**
 * connectionGuard on a bare Fastify server over real sockets: every time limit answers in the
 * project's format, and only the client's silence is punished, never a slow answer of ours.
 * Limits are a few hundred ms here; the tests wait for the server's answer and close, never for time.
 */
import Fastify, { type FastifyInstance } from 'fastify'
import type { AddressInfo } from 'node:net'
import { BACKEND_HTTP_LIMITS, type HttpLimits } from '../../../server/config/http-limits'
import { checkingIntervalMs, connectionGuard } from '../../../server/plugins/connection-limits'
import { rawConnect, parseResponses } from './raw-socket'

const LONG = 60_000
const SHORT = 300
const TIMEOUT_BODY = { error: { code: 'REQUEST_TIMEOUT', message: '网络太慢，内容没有传完，请再试一次' } }

const apps: FastifyInstance[] = []
afterAll(async () => {
  await Promise.all(apps.map((a) => a.close()))
})

async function serve(
  limits: Partial<HttpLimits>,
  routes?: (app: FastifyInstance) => void,
  forceCloseConnections: boolean | 'idle' = true,
): Promise<{ app: FastifyInstance; port: number }> {
  const guard = connectionGuard({ ...BACKEND_HTTP_LIMITS, headersTimeoutMs: LONG, requestTimeoutMs: LONG, idleTimeoutMs: LONG, ...limits }, (error) => ({ error }))
  const app = Fastify({ ...guard.serverOptions, logger: false, forceCloseConnections })
  guard.install(app)
  app.post('/echo', async (req) => ({ got: req.body }))
  app.get('/ping', async () => ({ pong: true }))
  routes?.(app)
  apps.push(app)
  await app.listen({ port: 0, host: '127.0.0.1' })
  return { app, port: (app.server.address() as AddressInfo).port }
}

const stalledPost = (length = 100) => `POST /echo HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\nContent-Length: ${length}\r\n\r\n{`

describe('a client that stops sending', () => {
  test('a body that stalls after 1 byte is answered 408 REQUEST_TIMEOUT and closed after the idle limit', async () => {
    const { port } = await serve({ idleTimeoutMs: SHORT })
    const c = await rawConnect(port)
    await c.send(stalledPost())
    const sentAt = Date.now()
    const { text, closedAt } = await c.closed
    const [res] = parseResponses(text)
    expect(res.status).toBe(408)
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8')
    expect(res.headers.connection).toBe('close')
    expect(JSON.parse(res.body)).toEqual(TIMEOUT_BODY)
    // Not at once (half the limit leaves room for the loop's cached clock); the upper bound is far
    // below any default, so it is the configured limit that acted, even on a loaded machine.
    expect(closedAt - sentAt).toBeGreaterThanOrEqual(SHORT / 2)
    expect(closedAt - sentAt).toBeLessThan(10_000)
  })

  test('a body that keeps trickling past the whole-request limit is answered 408 too', async () => {
    const { port } = await serve({ requestTimeoutMs: SHORT, headersTimeoutMs: SHORT })
    const c = await rawConnect(port)
    await c.send(stalledPost(100_000))
    // A byte every 20 ms: never idle for the idle limit (60 s), never complete (100 kB would take over half an hour).
    const trickle = async () => {
      while (!c.socket.destroyed && c.received() === '') {
        await c.send(' ').catch(() => undefined)
        await new Promise((resolve) => setTimeout(resolve, 20))
      }
    }
    void trickle()
    const { text } = await c.closed
    const [res] = parseResponses(text)
    expect(res.status).toBe(408)
    expect(JSON.parse(res.body)).toEqual(TIMEOUT_BODY)
  })

  test('a request head that never ends is answered 408', async () => {
    const { port } = await serve({ headersTimeoutMs: SHORT })
    const c = await rawConnect(port)
    await c.send('GET /ping HTTP/1.1\r\nHost: t\r\n')
    const [res] = parseResponses((await c.closed).text)
    expect(res.status).toBe(408)
    expect(JSON.parse(res.body)).toEqual(TIMEOUT_BODY)
  })

  test('an answer given before the body arrived (e.g. 401) closes the connection, with no second answer', async () => {
    // Every limit long: closing must come from the early answer itself, not from a timeout.
    const { port } = await serve({}, (app) => {
      app.post('/early', { onRequest: async (_req, reply) => reply.code(401).send({ error: { code: 'UNAUTHENTICATED', message: '请先登录' } }) }, async () => ({}))
    })
    const c = await rawConnect(port)
    await c.send('POST /early HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{')
    const responses = parseResponses((await c.closed).text)
    expect(responses.map((r) => r.status)).toEqual([401])
    expect(responses[0].headers.connection).toBe('close')
  })
})

describe('what the limits leave alone', () => {
  test('a slow answer is delivered even when the connection was idle past the limit', async () => {
    let idleFired!: () => void
    const idle = new Promise<void>((resolve) => (idleFired = resolve))
    const { app, port } = await serve({ idleTimeoutMs: SHORT }, (a) => {
      a.get('/slow', async () => {
        await idle
        return { done: true }
      })
    })
    // Runs after the guard's own 'timeout' listener: the answer comes only once the idle limit has passed.
    app.server.on('timeout', () => idleFired())
    const c = await rawConnect(port)
    await c.send('GET /slow HTTP/1.1\r\nHost: t\r\n\r\n')
    const [res] = await c.responses(1)
    expect(res.status).toBe(200)
    expect(JSON.parse(res.body)).toEqual({ done: true })
    c.socket.destroy()
  })

  test('a complete body sent in pieces is read as usual', async () => {
    const { port } = await serve({ idleTimeoutMs: SHORT })
    const c = await rawConnect(port)
    const body = '{"a":1}'
    await c.send(`POST /echo HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n{"a"`)
    await c.send(':1}')
    const [res] = await c.responses(1)
    expect(res.status).toBe(200)
    expect(JSON.parse(res.body)).toEqual({ got: { a: 1 } })
    c.socket.destroy()
  })
})

test('a request still arriving while the server closes → 503 SERVICE_UNAVAILABLE in the project format', async () => {
  let closeBegun!: () => void
  const begun = new Promise<void>((resolve) => (closeBegun = resolve))
  const { app, port } = await serve(
    {},
    (a) => {
      a.addHook('preClose', async () => closeBegun())
    },
    'idle',
  )
  const c = await rawConnect(port)
  // Half a request head: the connection is busy, so closing the server does not drop it.
  await c.send('GET /ping HTTP/1.1\r\nHost: t\r\n')
  const closing = app.close()
  await begun
  await c.send('\r\n')
  const [res] = await c.responses(1)
  expect(res.status).toBe(503)
  expect(res.headers.connection).toBe('close')
  expect(JSON.parse(res.body)).toEqual({ error: { code: 'SERVICE_UNAVAILABLE', message: '服务暂时不可用，请稍后再试' } })
  await closing
})

describe('keep-alive limits', () => {
  test('an idle kept-alive connection is closed after the keep-alive limit, without an extra answer', async () => {
    const { port } = await serve({ keepAliveTimeoutMs: SHORT })
    const c = await rawConnect(port)
    await c.send('GET /ping HTTP/1.1\r\nHost: t\r\n\r\n')
    const [res] = await c.responses(1)
    expect(res.headers.connection).toBe('keep-alive')
    expect(res.headers['keep-alive']).toMatch(/^timeout=\d+/)
    const { text } = await c.closed
    expect(parseResponses(text).map((r) => r.status)).toEqual([200])
  })

  test('a connection serves at most maxRequestsPerSocket requests, then the server closes it (no bare 503)', async () => {
    const { port } = await serve({ maxRequestsPerSocket: 2 })
    const c = await rawConnect(port)
    await c.send('GET /ping HTTP/1.1\r\nHost: t\r\n\r\n')
    const [first] = await c.responses(1)
    expect(first.headers.connection).toBe('keep-alive')
    await c.send('GET /ping HTTP/1.1\r\nHost: t\r\n\r\n')
    const [, second] = await c.responses(2)
    expect(second.status).toBe(200)
    expect(second.headers.connection).toBe('close')
    // A third request on the same connection finds it closed instead of getting Node's empty 503.
    await c.send('GET /ping HTTP/1.1\r\nHost: t\r\n\r\n').catch(() => undefined)
    const { text } = await c.closed
    expect(parseResponses(text).map((r) => r.status)).toEqual([200, 200])
  })
})

describe('unreadable requests', () => {
  test('garbage instead of HTTP → 400 BAD_REQUEST in the project format, echoing nothing', async () => {
    const { port } = await serve({})
    const c = await rawConnect(port)
    await c.send('HELLO%c0%ae WORLD\r\n\r\n')
    const { text } = await c.closed
    const [res] = parseResponses(text)
    expect(res.status).toBe(400)
    expect(JSON.parse(res.body)).toEqual({ error: { code: 'BAD_REQUEST', message: '请求格式不正确' } })
    expect(text).not.toMatch(/HELLO|%c0|fastify|FST_/i)
  })

  test('an HTTP/1.1 request without Host → 400 BAD_REQUEST in the project format (not an empty answer)', async () => {
    const { port } = await serve({})
    const c = await rawConnect(port)
    await c.send('GET /ping HTTP/1.1\r\n\r\n')
    const [res] = await c.responses(1)
    expect(res.status).toBe(400)
    expect(JSON.parse(res.body)).toEqual({ error: { code: 'BAD_REQUEST', message: '请求格式不正确' } })
    await c.closed
  })

  test('a request head over the size limit → 431 BAD_REQUEST', async () => {
    const { port } = await serve({})
    const c = await rawConnect(port)
    await c.send(`GET /ping HTTP/1.1\r\nHost: t\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`)
    const [res] = parseResponses((await c.closed).text)
    expect(res.status).toBe(431)
    expect(JSON.parse(res.body).error.code).toBe('BAD_REQUEST')
  })
})

test('Node checks the head and request deadlines often enough for the configured limits', () => {
  expect(checkingIntervalMs(BACKEND_HTTP_LIMITS)).toBe(1000)
  expect(checkingIntervalMs({ ...BACKEND_HTTP_LIMITS, headersTimeoutMs: 300 })).toBe(75)
  expect(checkingIntervalMs({ ...BACKEND_HTTP_LIMITS, headersTimeoutMs: 100, requestTimeoutMs: 100 })).toBe(25)
})
