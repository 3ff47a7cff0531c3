/** helmet's security headers, a global per-caller rate limit and load shedding (under-pressure). */
import { createRequire } from 'node:module'
import type { IncomingMessage, ServerResponse } from 'node:http'
import rateLimit from '@fastify/rate-limit'
import underPressure from '@fastify/under-pressure'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { appError, DomainError } from '../../src/core/errors'

export interface ProtectionOptions {
  /** Requests per caller per window (default 300 per minute). */
  rateLimitMax?: number
  rateLimitWindowMs?: number
  /** Shed load (503) when the event loop lags more than this (default 1000 ms). */
  maxEventLoopDelayMs?: number
  /** Also shed load above this heap size (default: no heap limit). */
  maxHeapUsedBytes?: number
}

/**
 * All requests arrive from cloud functions or the gateway (few IPs), so the limit is keyed by the
 * signed caller identity in the body, and applied after the signature check has parsed it.
 */
function callerKey(req: FastifyRequest): string {
  const caller = (req.body as { caller?: { platform?: unknown; openid?: unknown } } | undefined)?.caller
  if (caller && typeof caller.openid === 'string' && typeof caller.platform === 'string') return `caller:${caller.platform}:${caller.openid}`
  return `ip:${req.ip}`
}

type HelmetMiddleware = (req: IncomingMessage, res: ServerResponse, next: (err?: unknown) => void) => void

/** What helmet does to a response: headers set (in its order) and headers removed. */
export interface HelmetHeaders {
  set: [name: string, value: string][]
  removed: string[]
}

/**
 * helmet's headers with its default options, worked out once by helmet itself: the very package
 * @fastify/helmet uses (resolved from it), run against a response that only records. With the defaults
 * no header depends on the request (no CSP nonces, no directive functions).
 */
export function helmetDefaultHeaders(): HelmetHeaders {
  const helmet = createRequire(require.resolve('@fastify/helmet'))('helmet') as () => HelmetMiddleware
  const out: HelmetHeaders = { set: [], removed: [] }
  const recorder = {
    setHeader: (name: string, value: unknown) => void out.set.push([name, String(value)]),
    removeHeader: (name: string) => void out.removed.push(name),
  } as unknown as ServerResponse
  let failed: unknown
  helmet()({} as IncomingMessage, recorder, (err) => {
    failed = err
  })
  if (failed) throw failed
  return out
}

export async function registerProtection(app: FastifyInstance, opts: ProtectionOptions = {}): Promise<void> {
  // helmet's headers on every response, set when @fastify/helmet set them (onRequest). The plugin
  // built helmet's middleware afresh for every request, parsing the CSP directives each time (5–8 % of
  // a status read's CPU); the headers are the same every time, so they are computed once.
  //
  // They go into the reply's own headers, not onto the raw response with setHeader: once setHeader has
  // been called, Node's writeHead passes each of Fastify's headers through setHeader too, and each
  // setHeader lower-cases, validates and stores its header in an entry of its own (about 5 µs of a
  // status read for these 12). Fastify hands its headers object to writeHead, which then validates
  // and writes each once. A route's reply.header still wins, and error answers keep them (Fastify's
  // error handling replaces only content-type and content-length).
  const { set, removed } = helmetDefaultHeaders()
  const headers: Record<string, string> = Object.fromEntries(set.map(([name, value]) => [name.toLowerCase(), value]))
  app.addHook('onRequest', (_req, reply, done) => {
    const res = reply.raw
    for (const name of removed) res.removeHeader(name)
    void reply.headers(headers)
    done()
  })
  await app.register(underPressure, {
    maxEventLoopDelay: opts.maxEventLoopDelayMs ?? 1000,
    ...(opts.maxHeapUsedBytes !== undefined ? { maxHeapUsedBytes: opts.maxHeapUsedBytes } : {}),
    exposeStatusRoute: false,
    pressureHandler: (_req, reply) => {
      void reply.code(503).send({ error: appError('SERVICE_UNAVAILABLE') })
    },
  })
  await app.register(rateLimit, {
    global: true,
    hook: 'preHandler',
    max: opts.rateLimitMax ?? 300,
    timeWindow: opts.rateLimitWindowMs ?? 60_000,
    keyGenerator: callerKey,
    errorResponseBuilder: () => new DomainError('RATE_LIMITED'),
  })
}
