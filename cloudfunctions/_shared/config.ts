/** Backend connection settings read from the environment (cloud-function console or local shell). */
import { DEFAULT_BACKEND_TIMEOUT_MS } from './backend-client'

export interface BackendConfig {
  baseUrl: string
  keyId: string
  secret: string
  timeoutMs: number
}

export const DEFAULT_BACKEND_URL = 'http://127.0.0.1:8787'
export const DEFAULT_HMAC_KEY_ID = 'k1'

type Env = Record<string, string | undefined>

/**
 * BACKEND_URL, BACKEND_HMAC_KEY_ID (default k1), BACKEND_HMAC_SECRET (required here: the cloud has no
 * local secrets file), BACKEND_TIMEOUT_MS (default 2500). Returns the names of missing variables
 * instead of throwing.
 */
export function readBackendConfig(env: Env): { ok: true; config: BackendConfig } | { ok: false; missing: string[] } {
  const missing: string[] = []
  const baseUrl = env.BACKEND_URL?.trim()
  const secret = env.BACKEND_HMAC_SECRET
  if (!baseUrl) missing.push('BACKEND_URL')
  if (!secret) missing.push('BACKEND_HMAC_SECRET')
  if (!baseUrl || !secret) return { ok: false, missing }
  return {
    ok: true,
    config: {
      baseUrl,
      keyId: env.BACKEND_HMAC_KEY_ID?.trim() || DEFAULT_HMAC_KEY_ID,
      secret,
      timeoutMs: parseTimeout(env.BACKEND_TIMEOUT_MS),
    },
  }
}

export function parseTimeout(raw: string | undefined): number {
  const n = Number(raw)
  return raw && Number.isInteger(n) && n >= 100 && n <= 60_000 ? n : DEFAULT_BACKEND_TIMEOUT_MS
}
