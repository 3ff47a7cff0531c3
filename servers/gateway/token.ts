/**
 * Local sign-in tokens: stand-ins for the WeChat identity when the app runs in a browser on this
 * machine. A token names only a random local openid and its validity window — no personal data —
 * and is HMAC-SHA256 signed. Never used in production (the gateway refuses to start there).
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto'

export const LOCAL_OPENID_PATTERN = /^local_[A-Za-z0-9_-]{22}$/
export const DEFAULT_TOKEN_TTL_MS = 30 * 24 * 3600 * 1000

interface TokenPayload {
  v: 1
  sub: string
  iat: number
  exp: number
}

export function newLocalOpenid(): string {
  return `local_${randomBytes(16).toString('base64url')}`
}

/** A token secret kept apart from the backend signing secret, derived from it when not given. */
export function deriveTokenSecret(hmacSecret: string): Buffer {
  return createHmac('sha256', hmacSecret).update('yinling/gateway/local-login-token/v1').digest()
}

function sign(secret: string | Buffer, data: string): string {
  return createHmac('sha256', secret).update(data).digest('base64url')
}

export function issueToken(secret: string | Buffer, openid: string, nowMs: number, ttlMs = DEFAULT_TOKEN_TTL_MS): { token: string; expiresAt: string } {
  const payload: TokenPayload = { v: 1, sub: openid, iat: nowMs, exp: nowMs + ttlMs }
  const body = Buffer.from(JSON.stringify(payload)).toString('base64url')
  return { token: `${body}.${sign(secret, body)}`, expiresAt: new Date(payload.exp).toISOString() }
}

/** The openid a valid, unexpired token names; null for anything else. */
export function verifyToken(secret: string | Buffer, token: string, nowMs: number): string | null {
  if (token.length > 512) return null
  const parts = token.split('.')
  if (parts.length !== 2) return null
  const [body, signature] = parts
  const expected = Buffer.from(sign(secret, body))
  const given = Buffer.from(signature)
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null
  let payload: Partial<TokenPayload>
  try {
    payload = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as Partial<TokenPayload>
  } catch {
    return null
  }
  if (payload.v !== 1 || typeof payload.sub !== 'string' || !LOCAL_OPENID_PATTERN.test(payload.sub)) return null
  if (typeof payload.exp !== 'number' || typeof payload.iat !== 'number') return null
  if (nowMs >= payload.exp || payload.iat > nowMs + 5 * 60 * 1000) return null
  return payload.sub
}

/** Token from an `Authorization: Bearer <token>` header. */
export function bearerToken(header: string | undefined): string | null {
  if (!header) return null
  const match = /^Bearer ([A-Za-z0-9_.-]+)$/.exec(header.trim())
  return match ? match[1] : null
}
