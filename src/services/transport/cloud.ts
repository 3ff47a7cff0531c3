/**
 * weapp transport: Taro.cloud.callFunction of the ONE routed function `api` with {name, data}
 * (src/core/contracts/endpoints.ts). The caller's identity (OPENID) is added by the platform inside
 * the cloud function, so nothing about who we are is sent from here.
 */
import Taro from '@tarojs/taro'
import { fail, type Result } from '@/core/errors'
import { buildEnv } from '../platform'
import { normalizeResult } from './result'

export const CLOUD_TIMEOUT_MS = 20000
/** The routed cloud function every endpoint exposed as 'api' is called through. */
export const API_FUNCTION = 'api'

let initialised = false

interface CloudLike {
  init(opts: { env?: string; traceUser?: boolean }): void
  callFunction(opts: { name: string; data: unknown }): Promise<{ result?: unknown }>
  DYNAMIC_CURRENT_ENV?: unknown
}

function cloud(): CloudLike | undefined {
  const c = (Taro as unknown as { cloud?: CloudLike }).cloud
  return c && typeof c.callFunction === 'function' ? c : undefined
}

/** Called once from app.ts on weapp. Safe to call again. */
export function initCloud(): boolean {
  if (initialised) return true
  const c = cloud()
  if (!c) return false
  try {
    const env = buildEnv.cloudEnv()
    c.init(env ? { env, traceUser: true } : { env: c.DYNAMIC_CURRENT_ENV as string | undefined, traceUser: true })
    initialised = true
  } catch {
    initialised = false
  }
  return initialised
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T | 'timeout'> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => resolve('timeout'), ms)
    p.then(
      (v) => {
        clearTimeout(timer)
        resolve(v)
      },
      (e: unknown) => {
        clearTimeout(timer)
        reject(e)
      },
    )
  })
}

export async function callViaCloud<T>(name: string, event: unknown): Promise<Result<T>> {
  const c = cloud()
  if (!c || !initCloud()) return fail('SERVICE_UNAVAILABLE')
  try {
    const res = await withTimeout(c.callFunction({ name: API_FUNCTION, data: { name, data: event ?? {} } }), CLOUD_TIMEOUT_MS)
    if (res === 'timeout') return fail('SERVICE_UNAVAILABLE')
    return normalizeResult<T>(res?.result)
  } catch {
    // errCode -404011 (function missing), -504003 (timeout), -1 (network) …: the person only needs to
    // know the service is unavailable right now.
    return fail('SERVICE_UNAVAILABLE')
  }
}

/** Test hook. */
export function resetCloudForTests(): void {
  initialised = false
}
