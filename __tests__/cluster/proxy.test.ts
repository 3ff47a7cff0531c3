/**
 * The round-robin proxy of the local cluster: turns in order, bodies streamed through both ways, a
 * refused connection passed over to the next upstream, and a request whose upstream dies after
 * receiving it answered 502 — never sent to a second upstream.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { freePort } from '../../scripts/cluster/instance'
import { startProxy, type RoundRobinProxy } from '../../scripts/cluster/proxy'

jest.setTimeout(30_000)

interface Upstream {
  server: Server
  port: number
  seen: string[]
}

async function upstream(name: string, handler?: (req: IncomingMessage, res: ServerResponse, body: string) => void): Promise<Upstream> {
  const seen: string[] = []
  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8')
      seen.push(body)
      if (handler) return handler(req, res, body)
      res.writeHead(200, { 'content-type': 'text/plain', 'x-upstream': name })
      res.end(`${name}:${req.method}:${req.url}:${body.length}`)
    })
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()))
  return { server, port: (server.address() as AddressInfo).port, seen }
}

const close = (s: Server) => new Promise<void>((r) => {
  s.close(() => r())
  s.closeAllConnections()
})

let proxy: RoundRobinProxy | undefined
const servers: Server[] = []
afterEach(async () => {
  await proxy?.close()
  proxy = undefined
  await Promise.all(servers.splice(0).map(close))
})

test('takes turns, and passes a 3 MB request body through whole', async () => {
  const a = await upstream('a')
  const b = await upstream('b')
  servers.push(a.server, b.server)
  proxy = await startProxy([a, b].map((u) => ({ host: '127.0.0.1', port: u.port })))
  const big = 'x'.repeat(3 * 1024 * 1024)
  const answers: string[] = []
  for (let i = 0; i < 4; i++) {
    const res = await fetch(`${proxy.url}/fn/thing?i=${i}`, { method: 'POST', body: big })
    answers.push(await res.text())
  }
  expect(answers).toEqual([`a:POST:/fn/thing?i=0:${big.length}`, `b:POST:/fn/thing?i=1:${big.length}`, `a:POST:/fn/thing?i=2:${big.length}`, `b:POST:/fn/thing?i=3:${big.length}`])
  expect(proxy.stats()).toEqual({ forwarded: 4, passedOver: 0, badGateway: 0 })
})

test('an upstream that refuses the connection is passed over; none left: 502 in the project format', async () => {
  const a = await upstream('a')
  servers.push(a.server)
  const dead = await freePort() // nothing listens there
  proxy = await startProxy([{ host: '127.0.0.1', port: dead }, { host: '127.0.0.1', port: a.port }])
  for (let i = 0; i < 3; i++) expect(await (await fetch(`${proxy.url}/x`, { method: 'POST', body: 'hi' })).text()).toBe('a:POST:/x:2')
  expect(proxy.stats().passedOver).toBeGreaterThanOrEqual(1)

  proxy.setUpstreams([{ host: '127.0.0.1', port: dead }])
  const res = await fetch(`${proxy.url}/x`, { method: 'POST', body: 'hi' })
  expect(res.status).toBe(502)
  expect(await res.json()).toEqual({ ok: false, error: { code: 'SERVICE_UNAVAILABLE', message: '服务暂时不可用，请稍后再试' } })
})

test('an upstream that dies after receiving the request: 502, and the request is not sent anywhere else', async () => {
  const dying = await upstream('dying', (_req, res) => res.socket?.destroy())
  const b = await upstream('b')
  servers.push(dying.server, b.server)
  proxy = await startProxy([dying, b].map((u) => ({ host: '127.0.0.1', port: u.port })))
  const res = await fetch(`${proxy.url}/write`, { method: 'POST', body: 'once' })
  expect(res.status).toBe(502)
  expect(dying.seen).toEqual(['once'])
  expect(b.seen).toEqual([])
  expect(proxy.stats()).toMatchObject({ badGateway: 1, passedOver: 0 })
})
