/**
 * Signed HTTP client for the certification backend (docs/backend-api.md). Used by the cloud
 * functions on WeChat and by the local gateway. Never throws: every failure is a Result.
 */
import { createHash, createHmac, randomBytes } from 'node:crypto'
import * as http from 'node:http'
import * as https from 'node:https'
import { appError, ERROR_MESSAGES, fail, isErrorCode, ok, type ErrorCode, type Result } from '../../src/core/errors'
import { canonicalRequest, SIGNATURE_HEADERS } from '../../src/core/signing'
import type { BackendPort, BackendRoute, BackendRoutes, Clock } from './ports'
import { systemClock } from './ports'

export interface HttpRequest {
  url: string
  method: 'POST'
  headers: Record<string, string>
  body: string
  timeoutMs: number
}
export interface HttpResponse {
  status: number
  text: string
}
/** Sends one request; rejects on network failure or timeout. */
export type HttpTransport = (request: HttpRequest) => Promise<HttpResponse>

export interface BackendClientOptions {
  /** e.g. http://127.0.0.1:8787 or https://backend.example.gov.cn/api */
  baseUrl: string
  keyId: string
  secret: string | Uint8Array
  /** Whole-request timeout. WeChat cloud functions time out after 3 s by default. */
  timeoutMs?: number
  transport?: HttpTransport
  clock?: Clock
  nonce?: () => string
  /** Diagnostics without personal data (route, status, code). */
  log?: (message: string) => void
}

export const DEFAULT_BACKEND_TIMEOUT_MS = 2500
/**
 * Routes that may take longer than the configured timeout: completing a certification runs the replay
 * and the identity check (a face match may take seconds). The cloud function's own timeout (WeChat
 * default 3 s) must be raised for `api` (which carries completeCertification) too.
 */
export const ROUTE_MIN_TIMEOUT_MS: Partial<Record<BackendRoute, number>> = { '/v1/certifications/complete': 20_000 }
/** Answers larger than this are treated as a broken backend. */
const MAX_RESPONSE_BYTES = 4 * 1024 * 1024

/**
 * Codes about the service-to-service signature: a deployment fault (wrong secret, clock skew), not
 * something the person can fix, so they are reported as SERVICE_UNAVAILABLE and logged.
 */
const TRANSPORT_AUTH_CODES: ReadonlySet<ErrorCode> = new Set(['SIGNATURE_MISSING', 'SIGNATURE_INVALID', 'REQUEST_STALE', 'REQUEST_REPLAYED'])

/**
 * A request nonce: the creation time in milliseconds as 12 hex digits, then 24 random bytes (base64url,
 * the same 192 random bits as before). The backend keeps every nonce for 5 minutes in a table keyed by
 * it (used_nonces); random nonces landed each on a random page of that key's index, so a batch of 32
 * rewrote about 38 pages (16 KiB each) of it into the WAL, time-ordered ones about 6 (better-sqlite3
 * alone, 300,000 rows in the table): under load that write volume stalled the backend's event loop
 * in the kernel's writeback. The backend checks nothing more than before (any nonce seen in the
 * window is refused); the time part only reveals what the timestamp header already says.
 */
export function newNonce(nowMs: number = Date.now()): string {
  return nowMs.toString(16).padStart(12, '0') + randomBytes(24).toString('base64url')
}

export function sha256Hex(body: string): string {
  return createHash('sha256').update(body, 'utf8').digest('hex')
}

/** Headers for one signed request: the path is the URL's path plus query, as the backend sees it. */
export function signRequest(
  opts: { keyId: string; secret: string | Uint8Array },
  method: string,
  pathWithQuery: string,
  body: string,
  timestampMs: number,
  nonce: string,
): Record<string, string> {
  const timestamp = String(timestampMs)
  const canonical = canonicalRequest(method, pathWithQuery, timestamp, nonce, sha256Hex(body))
  const signature = createHmac('sha256', opts.secret).update(canonical, 'utf8').digest('hex')
  return {
    [SIGNATURE_HEADERS.keyId]: opts.keyId,
    [SIGNATURE_HEADERS.timestamp]: timestamp,
    [SIGNATURE_HEADERS.nonce]: nonce,
    [SIGNATURE_HEADERS.signature]: signature,
  }
}

export function createBackendClient(options: BackendClientOptions): BackendPort {
  const transport = options.transport ?? defaultTransport
  const clock = options.clock ?? systemClock
  const nonce = options.nonce ?? newNonce
  const timeoutMs = options.timeoutMs ?? DEFAULT_BACKEND_TIMEOUT_MS
  const log = options.log ?? ((message: string) => console.warn(message))
  const base = options.baseUrl.replace(/\/+$/, '')

  async function post<R extends BackendRoute>(route: R, payload: Record<string, unknown>): Promise<Result<BackendRoutes[R]>> {
    let url: URL
    try {
      url = new URL(base + route)
    } catch {
      log(`[backend] invalid BACKEND_URL, cannot call ${route}`)
      return fail('SERVICE_UNAVAILABLE')
    }
    const body = JSON.stringify(payload)
    const headers = {
      'content-type': 'application/json',
      accept: 'application/json',
      ...signRequest(options, 'POST', url.pathname + url.search, body, clock.now().getTime(), nonce()),
    }
    let response: HttpResponse
    try {
      response = await transport({ url: url.toString(), method: 'POST', headers, body, timeoutMs: Math.max(timeoutMs, ROUTE_MIN_TIMEOUT_MS[route] ?? 0) })
    } catch (err) {
      log(`[backend] ${route} unreachable: ${describe(err)}`)
      return fail('SERVICE_UNAVAILABLE')
    }
    return interpret<BackendRoutes[R]>(route, response, log)
  }

  return { post }
}

/** Turns an HTTP answer into a Result (exported for tests). */
export function interpret<T>(route: string, response: HttpResponse, log: (message: string) => void = () => {}): Result<T> {
  const { status, text } = response
  let json: unknown
  try {
    json = text.length > 0 ? JSON.parse(text) : undefined
  } catch {
    json = undefined
  }
  if (status >= 200 && status < 300) {
    if (json === undefined || json === null || typeof json !== 'object') {
      log(`[backend] ${route} answered ${status} without a JSON object`)
      return fail('SERVICE_UNAVAILABLE')
    }
    return ok(json as T)
  }
  if (status >= 500 || status < 400) {
    log(`[backend] ${route} answered ${status}`)
    return fail('SERVICE_UNAVAILABLE')
  }
  const error = (json as { error?: { code?: unknown; message?: unknown; field?: unknown; detail?: unknown } } | undefined)?.error
  if (error && isErrorCode(error.code)) {
    if (TRANSPORT_AUTH_CODES.has(error.code)) {
      log(`[backend] ${route} refused the service signature: ${error.code}`)
      return fail('SERVICE_UNAVAILABLE')
    }
    const message = typeof error.message === 'string' && error.message.length > 0 ? error.message : ERROR_MESSAGES[error.code]
    // Detail only as checked facts for codes that carry it (src/core/error-detail.ts), never passed on blind.
    const out = appError(error.code, typeof error.field === 'string' ? error.field : undefined, error.detail)
    return { ok: false, error: { ...out, message } }
  }
  log(`[backend] ${route} answered ${status} without a known error code`)
  if (status === 413) return fail('PAYLOAD_TOO_LARGE')
  if (status === 429) return fail('RATE_LIMITED')
  return fail('SERVICE_UNAVAILABLE')
}

function describe(err: unknown): string {
  if (err instanceof Error) {
    const cause = (err as { cause?: { code?: unknown } }).cause
    const code = (err as { code?: unknown }).code ?? cause?.code
    return typeof code === 'string' ? `${err.name} ${code}` : err.name + (err.message ? `: ${err.message}` : '')
  }
  return 'unknown error'
}

/** Global fetch where the runtime has it (Node ≥ 18), node:http(s) otherwise (older cloud runtimes). */
export const defaultTransport: HttpTransport = (request) =>
  typeof globalThis.fetch === 'function' ? fetchTransport(request) : nodeTransport(request)

export async function fetchTransport(request: HttpRequest): Promise<HttpResponse> {
  const controller = new AbortController()
  const timer = setTimeout(() => controller.abort(), request.timeoutMs)
  try {
    const res = await fetch(request.url, {
      method: request.method,
      headers: request.headers,
      body: request.body,
      signal: controller.signal,
      redirect: 'error',
    })
    const text = await res.text()
    if (Buffer.byteLength(text) > MAX_RESPONSE_BYTES) throw new Error('response too large')
    return { status: res.status, text }
  } finally {
    clearTimeout(timer)
  }
}

/** node:http(s) through Node's global agent. */
export const nodeTransport: HttpTransport = (request) => nodeRequest(request, undefined)

/** How long the gateway keeps an idle connection to the backend: under the backend's idle close (BACKEND_IDLE_TIMEOUT_MS, 10 s). */
export const KEEP_ALIVE_IDLE_MS = 4000

/**
 * node:http(s) over connections kept alive between calls, for a long-running caller (the local
 * gateway). Global fetch cost the gateway more than a third of its CPU per call (WHATWG streams,
 * Headers, AbortSignal and the garbage they leave); with this the gateway's status read doubled
 * (bench:api). An idle connection is dropped after `idleMs`, before the backend closes it; if the
 * backend closed one just as it was reused, the request is sent once more on a new connection (see
 * nodeRequest). close() ends the idle connections (on shutdown).
 */
export function keepAliveTransport(options: { idleMs?: number } = {}): HttpTransport & { close(): void } {
  const agents = {
    'http:': new http.Agent({ keepAlive: true, timeout: options.idleMs ?? KEEP_ALIVE_IDLE_MS }),
    'https:': new https.Agent({ keepAlive: true, timeout: options.idleMs ?? KEEP_ALIVE_IDLE_MS }),
  }
  const transport = (request: HttpRequest) => nodeRequest(request, agents)
  return Object.assign(transport, { close: () => Object.values(agents).forEach((a) => a.destroy()) })
}

type Agents = Record<'http:' | 'https:', http.Agent>

/**
 * One request. On a kept-alive connection a reset before any answer means the server closed that
 * idle connection as we reused it, so it never read the request: Node's documented remedy is to send
 * it again on a new connection (`reusedSocket`). Sent at most twice; the signed nonce stays the same,
 * so a backend that did read the first is refused the second (REQUEST_REPLAYED), never run twice.
 */
function nodeRequest(request: HttpRequest, agents: Agents | undefined, retried = false): Promise<HttpResponse> {
  const started = Date.now()
  return new Promise((resolve, reject) => {
    const url = new URL(request.url)
    const lib = url.protocol === 'https:' ? https : http
    const agent = agents?.[url.protocol as keyof Agents]
    let answered = false
    const req = lib.request(
      url,
      { method: request.method, headers: { ...request.headers, 'content-length': String(Buffer.byteLength(request.body)) }, ...(agent ? { agent } : {}) },
      (res) => {
        answered = true
        const chunks: Buffer[] = []
        let size = 0
        res.on('data', (chunk: Buffer) => {
          size += chunk.length
          if (size > MAX_RESPONSE_BYTES) {
            req.destroy(new Error('response too large'))
            return
          }
          chunks.push(chunk)
        })
        res.on('end', () => {
          clearTimeout(timer)
          resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') })
        })
        res.on('error', reject)
      },
    )
    const timer = setTimeout(() => req.destroy(new Error('timeout')), request.timeoutMs)
    req.on('error', (err: Error & { code?: string }) => {
      clearTimeout(timer)
      if (agents && !retried && !answered && req.reusedSocket && (err.code === 'ECONNRESET' || err.code === 'EPIPE')) {
        resolve(nodeRequest({ ...request, timeoutMs: Math.max(1, request.timeoutMs - (Date.now() - started)) }, agents, true))
        return
      }
      reject(err)
    })
    req.end(request.body)
  })
}
