/**
 * Time limits on every connection, shared by the backend (BACKEND_*) and the local gateway (GATEWAY_*).
 * A slow or silent client must never hold a connection: without these a request that announced a
 * body and then stopped sending stayed open for minutes (issue 13). The five variables of each prefix
 * (<P>_HEADERS_TIMEOUT_MS, _REQUEST_TIMEOUT_MS, _IDLE_TIMEOUT_MS, _KEEP_ALIVE_TIMEOUT_MS,
 * _MAX_REQUESTS_PER_SOCKET) are in the one table, server/config/variables.ts (docs/configuration.md).
 */

export interface HttpLimits {
  headersTimeoutMs: number
  requestTimeoutMs: number
  idleTimeoutMs: number
  keepAliveTimeoutMs: number
  maxRequestsPerSocket: number
}

/**
 * The backend is called by cloud functions and the gateway over fast links; the keep-alive time stays
 * above the 60 s idle timeout common to load balancers so the balancer, not the backend, closes first
 * (otherwise a request can race a closing connection and fail).
 */
export const BACKEND_HTTP_LIMITS: HttpLimits = {
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  idleTimeoutMs: 10_000,
  keepAliveTimeoutMs: 72_000,
  maxRequestsPerSocket: 1000,
}

/** Phones on weak mobile networks upload evidence frames (up to 2 MB) here: more time in total, same idle limit. */
export const GATEWAY_HTTP_LIMITS: HttpLimits = { ...BACKEND_HTTP_LIMITS, requestTimeoutMs: 60_000 }

export const MIN_TIMEOUT_MS = 100
export const MAX_TIMEOUT_MS = 600_000
export const MAX_REQUESTS_PER_SOCKET_LIMIT = 1_000_000

type Env = Record<string, string | undefined>
/** Receives one problem as a Chinese and an English sentence. */
export type ReportProblem = (zh: string, en: string) => void

function readInt(env: Env, name: string, fallback: number, min: number, max: number, unit: { zh: string; en: string }, report: ReportProblem): number {
  const raw = env[name]?.trim()
  if (raw === undefined || raw === '') return fallback
  const n = Number(raw)
  if (!/^\d{1,9}$/.test(raw) || n < min || n > max) {
    report(`${name} 必须是 ${min} 到 ${max} 之间的${unit.zh}`, `${name} must be an integer ${min}–${max} (${unit.en})`)
    return fallback
  }
  return n
}

/** Reads <prefix>_* from the environment; every problem goes to report and the default is kept for it. */
export function readHttpLimits(env: Env, prefix: 'BACKEND' | 'GATEWAY', defaults: HttpLimits, report: ReportProblem): HttpLimits {
  const ms = { zh: '毫秒数', en: 'milliseconds' }
  let bad = false
  const note: ReportProblem = (zh, en) => {
    bad = true
    report(zh, en)
  }
  const limits: HttpLimits = {
    headersTimeoutMs: readInt(env, `${prefix}_HEADERS_TIMEOUT_MS`, defaults.headersTimeoutMs, MIN_TIMEOUT_MS, MAX_TIMEOUT_MS, ms, note),
    requestTimeoutMs: readInt(env, `${prefix}_REQUEST_TIMEOUT_MS`, defaults.requestTimeoutMs, MIN_TIMEOUT_MS, MAX_TIMEOUT_MS, ms, note),
    idleTimeoutMs: readInt(env, `${prefix}_IDLE_TIMEOUT_MS`, defaults.idleTimeoutMs, MIN_TIMEOUT_MS, MAX_TIMEOUT_MS, ms, note),
    keepAliveTimeoutMs: readInt(env, `${prefix}_KEEP_ALIVE_TIMEOUT_MS`, defaults.keepAliveTimeoutMs, MIN_TIMEOUT_MS, MAX_TIMEOUT_MS, ms, note),
    maxRequestsPerSocket: readInt(env, `${prefix}_MAX_REQUESTS_PER_SOCKET`, defaults.maxRequestsPerSocket, 0, MAX_REQUESTS_PER_SOCKET_LIMIT, { zh: '整数（0 表示不限）', en: '0 = no limit' }, note),
  }
  if (bad) return limits
  // Node refuses a head timeout longer than the request timeout; an idle limit above it would never act.
  if (limits.headersTimeoutMs > limits.requestTimeoutMs) {
    report(`${prefix}_HEADERS_TIMEOUT_MS 不能大于 ${prefix}_REQUEST_TIMEOUT_MS`, `${prefix}_HEADERS_TIMEOUT_MS must not exceed ${prefix}_REQUEST_TIMEOUT_MS`)
  }
  if (limits.idleTimeoutMs > limits.requestTimeoutMs) {
    report(`${prefix}_IDLE_TIMEOUT_MS 不能大于 ${prefix}_REQUEST_TIMEOUT_MS`, `${prefix}_IDLE_TIMEOUT_MS must not exceed ${prefix}_REQUEST_TIMEOUT_MS`)
  }
  return limits
}
