/**
 * The local gateway: runs the SAME cloud-function handlers over HTTP for the H5 app and local runs.
 *
 *   POST /auth/local-login  → { ok, data: { token, openid, expiresAt } }   (stands in for WeChat identity)
 *   POST /fn/<name>         → HTTP 200 with the CloudFunctionResult; needs Authorization: Bearer <token>
 *                             (<name>: an endpoint the table exposes as 'api'; the same handlers as the
 *                             routed cloud function `api`)
 *   GET  /healthz           → { status: 'ok', service: 'gateway' }   (liveness: this process answers)
 *   GET  /readyz            → { status: 'ready', service: 'gateway' } when the backend's /readyz answers, else 503
 *   GET  /*                 → the H5 build (dist/h5), falling back to index.html for app routes
 *
 * Refused entirely when NODE_ENV=production: production identity comes from WeChat, not from here.
 */
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify'
import { appError, httpStatusOf, type ErrorCode } from '../../src/core/errors'
import { createBackendClient, keepAliveTransport, type HttpTransport } from '../../cloudfunctions/_shared/backend-client'
import type { BackendPort, Clock } from '../../cloudfunctions/_shared/ports'
import { systemClock } from '../../cloudfunctions/_shared/ports'
import { isCloudFunctionName, runHandler } from '../../cloudfunctions/handlers'
import { GATEWAY_HTTP_LIMITS, type HttpLimits } from '../../server/config/http-limits'
import { connectionGuard } from '../../server/plugins/connection-limits'
import { classifyFrameworkError } from '../../server/plugins/framework-errors'
import { createStaticHandler } from './static'
import { registerVendorRoutes } from './vendor'
import { bearerToken, deriveTokenSecret, DEFAULT_TOKEN_TTL_MS, issueToken, newLocalOpenid, verifyToken } from './token'

export const DEFAULT_BODY_LIMIT = 256 * 1024
/**
 * completeCertification carries the observation summary and up to 3 evidence frames: it gets its own,
 * larger limit (a little above the backend's CERT_COMPLETE_BODY_LIMIT default of 1.5 MB, so the
 * backend's own 413 decides).
 */
export const DEFAULT_EVIDENCE_BODY_LIMIT = 2 * 1024 * 1024
const EVIDENCE_FUNCTION = 'completeCertification'

export interface GatewayOptions {
  /** Base URL of the certification backend, e.g. http://127.0.0.1:8787 */
  backendUrl: string
  /** Shared request-signing secret (same as the backend's) and its id. */
  hmacKeyId: string
  hmacSecret: string
  /** Secret for local sign-in tokens; derived from hmacSecret when omitted. */
  tokenSecret?: string | Buffer
  /** Folder of the H5 build; null/undefined serves a "not built yet" page. */
  h5Dir?: string | null
  clock?: Clock
  /** Defaults to process.env.NODE_ENV. "production" refuses to build. */
  nodeEnv?: string
  bodyLimit?: number
  /** Body limit of /fn/completeCertification (never below bodyLimit). */
  evidenceBodyLimit?: number
  backendTimeoutMs?: number
  tokenTtlMs?: number
  /** Replaces the HTTP transport to the backend (tests). */
  backendTransport?: HttpTransport
  /** Replaces the whole backend client (tests). */
  backend?: BackendPort
  logger?: boolean | FastifyBaseLogger
  /** Connection time limits (GATEWAY_* variables); default GATEWAY_HTTP_LIMITS. */
  http?: HttpLimits
  /** Whether the backend is ready, for /readyz; default: the backend's own /readyz within READY_TIMEOUT_MS. */
  backendReady?: () => Promise<boolean>
  /** Where backend problems (route, status, code — no personal data) are reported; default console.warn. */
  logBackendProblem?: (message: string) => void
}

export class GatewayRefusedError extends Error {
  constructor() {
    super('本地网关只用于本机演示和测试，生产环境（NODE_ENV=production）不能启动 / the local gateway and its local sign-in are refused when NODE_ENV=production')
    this.name = 'GatewayRefusedError'
  }
}

const failure = (code: ErrorCode) => ({ ok: false as const, error: appError(code) })
/** Refuses with the code's status from the one error table (src/core/errors.ts), as the backend does. */
const refuse = (reply: FastifyReply, code: ErrorCode) => reply.code(httpStatusOf(code)).send(failure(code))

/** A backend that does not answer its readiness probe within this counts as not ready. */
export const READY_TIMEOUT_MS = 2000

function backendReadyProbe(backendUrl: string): () => Promise<boolean> {
  const url = `${backendUrl.replace(/\/+$/, '')}/readyz`
  return async () => {
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(READY_TIMEOUT_MS) })
      await res.arrayBuffer()
      return res.ok
    } catch {
      return false
    }
  }
}

export function buildGateway(opts: GatewayOptions): FastifyInstance {
  const nodeEnv = opts.nodeEnv ?? process.env.NODE_ENV
  if (nodeEnv === 'production') throw new GatewayRefusedError()
  if (!opts.hmacSecret) throw new Error('buildGateway: hmacSecret is required')

  const clock = opts.clock ?? systemClock
  const tokenSecret = opts.tokenSecret ?? deriveTokenSecret(opts.hmacSecret)
  const tokenTtlMs = opts.tokenTtlMs ?? DEFAULT_TOKEN_TTL_MS
  // Calls to the backend over kept-alive connections (not global fetch: a third of the gateway's CPU).
  const ownTransport = opts.backend || opts.backendTransport ? undefined : keepAliveTransport()
  const backend =
    opts.backend ??
    createBackendClient({
      baseUrl: opts.backendUrl,
      keyId: opts.hmacKeyId,
      secret: opts.hmacSecret,
      timeoutMs: opts.backendTimeoutMs,
      transport: opts.backendTransport ?? ownTransport,
      clock,
      log: opts.logBackendProblem ?? ((message) => console.warn(message)),
    })

  // Phones on weak networks: a silent or endless upload is closed with 408 instead of held (issue 13).
  const guard = connectionGuard(opts.http ?? GATEWAY_HTTP_LIMITS, (error) => ({ ok: false, error }))
  const app = Fastify({
    ...guard.serverOptions,
    logger: opts.logger === undefined ? false : (opts.logger as never),
    bodyLimit: opts.bodyLimit ?? DEFAULT_BODY_LIMIT,
  })
  guard.install(app)
  if (ownTransport) app.addHook('onClose', async () => ownTransport.close())

  // An empty JSON body is an empty event (some clients send none); otherwise Fastify's safe parser.
  const defaultJson = app.getDefaultJsonParser('error', 'error')
  app.removeContentTypeParser('application/json')
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    if (typeof body === 'string' && body.trim() === '') return done(null, {})
    defaultJson(request, body as string, done)
  })

  app.addHook('onSend', async (_request, reply, payload) => {
    reply.header('x-content-type-options', 'nosniff')
    reply.header('referrer-policy', 'no-referrer')
    reply.header('x-frame-options', 'DENY')
    return payload
  })

  app.setErrorHandler((error: { statusCode?: number; code?: string; name?: string }, request: FastifyRequest, reply: FastifyReply) => {
    const { status, code } = classifyFrameworkError(error)
    if (status >= 500) request.log.error({ code: error.code, name: error.name }, 'gateway failure')
    return reply.code(status).send(failure(code))
  })
  app.setNotFoundHandler((_request, reply) => refuse(reply, 'NOT_FOUND'))

  // Probes: no rate limit or sign-in, never cached.
  app.get('/healthz', async (_request, reply) => {
    reply.header('cache-control', 'no-store')
    return { status: 'ok', service: 'gateway' }
  })
  const backendReady = opts.backendReady ?? backendReadyProbe(opts.backendUrl)
  app.get('/readyz', async (_request, reply) => {
    reply.header('cache-control', 'no-store')
    if (!(await backendReady())) return refuse(reply, 'SERVICE_UNAVAILABLE')
    return { status: 'ready', service: 'gateway' }
  })

  app.post('/auth/local-login', async (_request, reply) => {
    const openid = newLocalOpenid()
    const { token, expiresAt } = issueToken(tokenSecret, openid, clock.now().getTime(), tokenTtlMs)
    reply.header('cache-control', 'no-store')
    return { ok: true, data: { token, openid, expiresAt } }
  })

  /** The function a /fn request names (the evidence route has no :name parameter). */
  const functionName = (request: FastifyRequest): string =>
    (request.params as { name?: string }).name ?? (request.routeOptions.url === `/fn/${EVIDENCE_FUNCTION}` ? EVIDENCE_FUNCTION : '')

  /** The local openid of each authenticated /fn request (kept off the request object's type). */
  const openids = new WeakMap<FastifyRequest, string>()

  app.register(async (fn) => {
    // Name and identity are checked before the body is read: unknown → 404, no/bad token → 401.
    fn.addHook('onRequest', async (request, reply) => {
      const name = functionName(request)
      if (!isCloudFunctionName(name)) return refuse(reply, 'NOT_FOUND')
      const token = bearerToken(request.headers.authorization)
      const openid = token ? verifyToken(tokenSecret, token, clock.now().getTime()) : null
      if (!openid) return refuse(reply.header('www-authenticate', 'Bearer'), 'UNAUTHENTICATED')
      openids.set(request, openid)
    })

    const handle = async (request: FastifyRequest, reply: FastifyReply) => {
      const name = functionName(request)
      const openid = openids.get(request)
      if (!isCloudFunctionName(name)) return refuse(reply, 'NOT_FOUND')
      if (!openid) return refuse(reply, 'UNAUTHENTICATED')
      // The event is a JSON object (as on WeChat); no body at all is an empty event.
      const body = request.body === undefined ? {} : request.body
      if (body === null || typeof body !== 'object' || Array.isArray(body)) return refuse(reply, 'BAD_REQUEST')
      const result = await runHandler(name, body, {
        caller: { platform: 'local', openid },
        backend,
        clock,
        production: false,
      })
      reply.header('cache-control', 'no-store')
      return result
    }
    fn.post('/fn/:name', handle)
    // Same handler, larger body limit (a static route wins over /fn/:name).
    fn.post(`/fn/${EVIDENCE_FUNCTION}`, { bodyLimit: Math.max(opts.evidenceBodyLimit ?? DEFAULT_EVIDENCE_BODY_LIMIT, opts.bodyLimit ?? DEFAULT_BODY_LIMIT) }, handle)
  })

  // H5 face tracker: Human's models and the tfjs .wasm binaries from our own origin (./vendor.ts).
  registerVendorRoutes(app)

  const serveStatic = createStaticHandler(opts.h5Dir)
  app.get('/*', serveStatic)

  return app
}

