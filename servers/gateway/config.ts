/**
 * Gateway settings from the environment (docs/configuration.md; what the gateway does with them:
 * docs/configuration-gateway.md). Problems are collected as plain Chinese sentences so `npm start` /
 * `npm run gateway` can print them and stop.
 */
import { resolve } from 'node:path'
import { loadLocalSecrets } from '../../server/config/local-secrets'
import { GATEWAY_HTTP_LIMITS, readHttpLimits, type HttpLimits } from '../../server/config/http-limits'
import { DEFAULT_BACKEND_TIMEOUT_MS } from '../../cloudfunctions/_shared/backend-client'
import { DEFAULT_BODY_LIMIT } from './app'

export const DEFAULT_APP_PORT = 10086
export const DEFAULT_APP_HOST = '127.0.0.1'
export const DEFAULT_BACKEND_PORT = 8787
export const DEFAULT_DATA_DIR = 'data'
export const DEFAULT_H5_DIR = 'dist/h5'

type Env = Record<string, string | undefined>

export interface GatewayConfig {
  host: string
  port: number
  backendUrl: string
  hmacKeyId: string
  hmacSecret: string
  /** Where the secret came from, for the start-up message. */
  secretSource: 'env' | string
  h5Dir: string
  dataDir: string
  bodyLimit: number
  backendTimeoutMs: number
  /** Time limits on the gateway's own connections (GATEWAY_*_TIMEOUT_MS, GATEWAY_MAX_REQUESTS_PER_SOCKET). */
  http: HttpLimits
}

export class GatewayConfigError extends Error {
  constructor(public readonly problems: string[]) {
    super(`网关配置有误：\n  - ${problems.join('\n  - ')}`)
    this.name = 'GatewayConfigError'
  }
}

export function parsePort(raw: string | undefined, fallback: number, name: string, problems: string[]): number {
  if (raw === undefined || raw.trim() === '') return fallback
  const n = Number(raw)
  if (!/^\d{1,5}$/.test(raw.trim()) || n < 1 || n > 65535) {
    problems.push(`${name} 必须是 1–65535 之间的整数（现在是 "${raw}"）`)
    return fallback
  }
  return n
}

/** Reads the environment; when no secret is set there, the shared local key file in DATA_DIR. */
export function readGatewayConfig(env: Env = process.env, cwd = process.cwd()): GatewayConfig {
  const problems: string[] = []
  if (env.NODE_ENV === 'production') problems.push('NODE_ENV=production 时不能启动本地网关（本地登录只用于本机演示和测试）')
  const port = parsePort(env.APP_PORT, DEFAULT_APP_PORT, 'APP_PORT', problems)
  const backendPort = parsePort(env.BACKEND_PORT, DEFAULT_BACKEND_PORT, 'BACKEND_PORT', problems)
  const backendUrl = env.BACKEND_URL?.trim() || `http://127.0.0.1:${backendPort}`
  try {
    const u = new URL(backendUrl)
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error('protocol')
  } catch {
    problems.push(`BACKEND_URL 不是有效的 http(s) 地址（现在是 "${backendUrl}"）`)
  }
  const dataDir = resolve(cwd, env.DATA_DIR?.trim() || DEFAULT_DATA_DIR)
  const bodyLimitRaw = env.GATEWAY_BODY_LIMIT?.trim()
  let bodyLimit = DEFAULT_BODY_LIMIT
  if (bodyLimitRaw) {
    const n = Number(bodyLimitRaw)
    if (!Number.isInteger(n) || n < 1024 || n > 50 * 1024 * 1024) problems.push('GATEWAY_BODY_LIMIT 必须是 1024 到 52428800 之间的字节数')
    else bodyLimit = n
  }
  const timeoutRaw = env.BACKEND_TIMEOUT_MS?.trim()
  let backendTimeoutMs = DEFAULT_BACKEND_TIMEOUT_MS
  if (timeoutRaw) {
    const n = Number(timeoutRaw)
    if (!Number.isInteger(n) || n < 100 || n > 60_000) problems.push('BACKEND_TIMEOUT_MS 必须是 100 到 60000 之间的毫秒数')
    else backendTimeoutMs = n
  }
  const http = readHttpLimits(env, 'GATEWAY', GATEWAY_HTTP_LIMITS, (zh) => problems.push(zh))

  let hmacSecret = env.BACKEND_HMAC_SECRET ?? ''
  let hmacKeyId = env.BACKEND_HMAC_KEY_ID?.trim() || 'k1'
  let secretSource = 'env'
  if (!hmacSecret && problems.length === 0) {
    try {
      const local = loadLocalSecrets(dataDir)
      hmacSecret = local.hmacSecret
      if (!env.BACKEND_HMAC_KEY_ID) hmacKeyId = local.hmacKeyId
      secretSource = local.path
    } catch (err) {
      problems.push(`无法读取本地密钥文件：${err instanceof Error ? err.message : String(err)}`)
    }
  }
  if (problems.length > 0) throw new GatewayConfigError(problems)
  return {
    host: env.APP_HOST?.trim() || DEFAULT_APP_HOST,
    port,
    backendUrl,
    hmacKeyId,
    hmacSecret,
    secretSource,
    h5Dir: resolve(cwd, env.H5_DIR?.trim() || DEFAULT_H5_DIR),
    dataDir,
    bodyLimit,
    backendTimeoutMs,
    http,
  }
}
