/**
 * H5 / local transport: POST /fn/<name> on the local gateway with a bearer token from
 * POST /auth/local-login. Every failure becomes a typed Result.
 *
 * Gateway contract expected here:
 *   POST /auth/local-login  body {deviceId}  → 200 {token} (or {ok: true, data: {token}})
 *   POST /fn/<name>         body = event, header Authorization: Bearer <token>
 *                           → 200 CloudFunctionResult; 401 when the token is missing/expired
 */
import Taro from '@tarojs/taro'
import { fail, type Result } from '@/core/errors'
import { buildEnv } from '../platform'
import { STORAGE_KEYS } from '../storage-keys'
import { readString, removeKey, writeString } from '../storage'
import { codeForStatus, errorFrom, normalizeResult } from './result'

export const HTTP_TIMEOUT_MS = 15000

interface HttpAnswer {
  status: number
  body: unknown
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

async function post(path: string, data: unknown, token?: string): Promise<HttpAnswer | undefined> {
  const header: Record<string, string> = { 'Content-Type': 'application/json' }
  if (token) header.Authorization = `Bearer ${token}`
  try {
    const res = await Taro.request({
      url: `${buildEnv.apiBase()}${path}`,
      method: 'POST',
      data: (data ?? {}) as Record<string, unknown>,
      header,
      dataType: 'json',
      timeout: HTTP_TIMEOUT_MS,
    })
    return { status: Number(res.statusCode) || 0, body: res.data as unknown }
  } catch {
    // Network down, connection refused, timeout, aborted.
    return undefined
  }
}

function randomId(): string {
  let s = ''
  for (let i = 0; i < 32; i++) s += Math.floor(Math.random() * 36).toString(36)
  return s
}

export function deviceId(): string {
  const existing = readString(STORAGE_KEYS.deviceId)
  if (existing) return existing
  const id = `h5-${randomId()}`
  writeString(STORAGE_KEYS.deviceId, id)
  return id
}

function isUnauthenticated(body: unknown): boolean {
  return isObject(body) && body.ok === false && isObject(body.error) && body.error.code === 'UNAUTHENTICATED'
}

function errorFromAnswer(ans: HttpAnswer): Result<never> {
  const body = ans.body
  const fromBody = isObject(body) ? (errorFrom(body.error) ?? errorFrom(body)) : undefined
  if (fromBody) return fromBody
  return fail(codeForStatus(ans.status))
}

let pendingLogin: Promise<Result<string>> | undefined

/** Signs in to the local gateway; concurrent callers share one request. */
export function localLogin(): Promise<Result<string>> {
  if (!pendingLogin) {
    pendingLogin = (async (): Promise<Result<string>> => {
      const ans = await post('/auth/local-login', { deviceId: deviceId() })
      if (!ans) return fail('SERVICE_UNAVAILABLE')
      if (ans.status < 200 || ans.status >= 300) return errorFromAnswer(ans)
      const body = ans.body
      const payload = isObject(body) && body.ok === true && isObject(body.data) ? body.data : body
      const token = isObject(payload) ? payload.token : undefined
      if (typeof token !== 'string' || token === '') return fail('SERVICE_UNAVAILABLE')
      writeString(STORAGE_KEYS.authToken, token)
      return { ok: true, data: token }
    })().finally(() => {
      pendingLogin = undefined
    })
  }
  return pendingLogin
}

async function tokenOrLogin(): Promise<Result<string>> {
  const cached = readString(STORAGE_KEYS.authToken)
  return cached ? { ok: true, data: cached } : localLogin()
}

/** Calls one cloud function through the gateway; re-logs in once on 401. */
export async function callViaHttp<T>(name: string, event: unknown): Promise<Result<T>> {
  let token = await tokenOrLogin()
  if (!token.ok) return token
  for (let attempt = 0; attempt < 2; attempt++) {
    const ans = await post(`/fn/${encodeURIComponent(name)}`, event, token.data)
    if (!ans) return fail('SERVICE_UNAVAILABLE')
    // The gateway may say "sign in again" either with HTTP 401 or with a 200 UNAUTHENTICATED result.
    const expired = ans.status === 401 || (ans.status === 200 && isUnauthenticated(ans.body))
    if (expired && attempt === 0) {
      removeKey(STORAGE_KEYS.authToken)
      token = await localLogin()
      if (!token.ok) return token
      continue
    }
    if (ans.status >= 500) return fail('SERVICE_UNAVAILABLE')
    if (expired) {
      removeKey(STORAGE_KEYS.authToken)
      return fail('UNAUTHENTICATED')
    }
    if (ans.status >= 200 && ans.status < 300) return normalizeResult<T>(ans.body)
    return errorFromAnswer(ans)
  }
  return fail('UNAUTHENTICATED')
}

/** Forgets the local sign-in (tests, and "switch demo person" in the future). */
export function forgetLocalLogin(): void {
  removeKey(STORAGE_KEYS.authToken)
}
