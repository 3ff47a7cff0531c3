/**
 * A tiny round-robin HTTP proxy in front of one tier (the backends, or the gateways), standing in
 * for a deployment's load balancer. Each request goes to the next upstream in turn; the body is
 * streamed both ways, never buffered.
 *
 * Failure behaviour, as a plain L4/L7 balancer without retries:
 * - an upstream that refuses the CONNECTION (ECONNREFUSED: it is down or restarting) is passed over
 *   and the next one tried — nothing was sent, so nothing can be done twice;
 * - once a request has been sent, nothing is retried: an upstream that dies mid-request gives the
 *   client 502 (or a cut connection if the answer had begun), and the client decides. That is what
 *   makes "acknowledged" mean something in the cluster test.
 */
import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

export interface Upstream {
  host: string
  port: number
}

export interface RoundRobinProxy {
  url: string
  port: number
  /** The list can change while running (an instance restarted on a new port). */
  setUpstreams(list: Upstream[]): void
  stats(): ProxyStats
  close(): Promise<void>
}

export interface ProxyStats {
  forwarded: number
  /** Connection refused by an upstream and passed over to the next. */
  passedOver: number
  /** Answered 502 by the proxy (no upstream took the connection, or one died mid-request). */
  badGateway: number
}

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'te', 'trailer'])

function forwardHeaders(headers: IncomingMessage['headers']): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {}
  for (const [k, v] of Object.entries(headers)) if (v !== undefined && !HOP_BY_HOP.has(k)) out[k] = v
  return out
}

const BAD_GATEWAY = JSON.stringify({ ok: false, error: { code: 'SERVICE_UNAVAILABLE', message: '服务暂时不可用，请稍后再试' } })

export async function startProxy(upstreams: Upstream[], opts: { host?: string; port?: number } = {}): Promise<RoundRobinProxy> {
  let list = upstreams.slice()
  let next = 0
  const stats: ProxyStats = { forwarded: 0, passedOver: 0, badGateway: 0 }

  const fail = (res: ServerResponse) => {
    if (res.destroyed) return // the client left first: nobody to answer
    stats.badGateway++
    if (res.headersSent) {
      res.destroy()
      return
    }
    res.writeHead(502, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' })
    res.end(BAD_GATEWAY)
  }

  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const tried = new Set<number>()
    let current: ReturnType<typeof httpRequest> | null = null
    const attempt = () => {
      if (list.length === 0 || tried.size >= list.length) return fail(res)
      const index = next++ % list.length
      if (tried.has(index)) return attempt()
      tried.add(index)
      const target = list[index]
      let connected = false
      // agent: false — a fresh connection per request, so "refused on connect" (safe to pass over)
      // is told apart from "failed after sending" (never retried); a pooled socket has no connect.
      const upstream = httpRequest({ host: target.host, port: target.port, method: req.method, path: req.url, headers: forwardHeaders(req.headers), agent: false })
      current = upstream
      upstream.on('socket', (socket) => {
        socket.once('connect', () => {
          connected = true
          req.pipe(upstream)
        })
      })
      upstream.on('response', (answer) => {
        stats.forwarded++
        res.writeHead(answer.statusCode ?? 502, forwardHeaders(answer.headers))
        answer.pipe(res)
        answer.on('error', () => res.destroy())
      })
      upstream.on('error', (err: NodeJS.ErrnoException) => {
        if (!connected && err.code === 'ECONNREFUSED') {
          stats.passedOver++
          attempt()
          return
        }
        fail(res)
      })
    }
    // A client that goes away: drop the upstream request too (its answer would have no reader).
    res.on('close', () => {
      if (res.writableFinished) return
      req.destroy()
      current?.destroy()
    })
    attempt()
  }

  const server: Server = createServer(handle)
  // The upstreams enforce the project's time limits; the proxy only must not cut in earlier.
  server.requestTimeout = 0
  server.headersTimeout = 60_000
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', () => resolve())
  })
  const port = (server.address() as AddressInfo).port
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    setUpstreams: (l) => {
      list = l.slice()
    },
    stats: () => ({ ...stats }),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      }),
  }
}
