/**
 * Local stand-in for the national 电子社保卡 authorisation: an HMAC-signed token
 * base64url(JSON {personId, exp, nonce}) + "." + base64url(HMAC-SHA256). No personal data inside
 * (personId is our random internal id), valid for 10 minutes, single use (the binding service
 * records the nonce).
 */
import { randomBytes } from 'node:crypto'
import { fail, ok, type Result } from '../../src/core/errors'
import { hmacBase64url, safeEqual } from '../crypto/hmac'
import type { LocalSscIssuer, SocialSecurityCardAuth, SscAuthorization } from './port'

export const LOCAL_SSC_TTL_MS = 10 * 60 * 1000

interface Payload {
  personId: string
  exp: number
  nonce: string
}

export class LocalSscAuth implements SocialSecurityCardAuth, LocalSscIssuer {
  readonly kind = 'local' as const

  constructor(private readonly key: Buffer) {}

  issue(personId: string, now: Date): string {
    const payload: Payload = { personId, exp: now.getTime() + LOCAL_SSC_TTL_MS, nonce: randomBytes(16).toString('base64url') }
    const body = Buffer.from(JSON.stringify(payload)).toString('base64url')
    return `${body}.${hmacBase64url(this.key, body)}`
  }

  async verify(authorization: string, now: Date): Promise<Result<SscAuthorization>> {
    const [body, mac, extra] = authorization.split('.')
    if (!body || !mac || extra !== undefined || !safeEqual(mac, hmacBase64url(this.key, body))) return fail('SSC_AUTH_INVALID', 'authorization')
    let payload: Payload
    try {
      payload = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as Payload
    } catch {
      return fail('SSC_AUTH_INVALID', 'authorization')
    }
    if (typeof payload.personId !== 'string' || typeof payload.nonce !== 'string' || typeof payload.exp !== 'number') {
      return fail('SSC_AUTH_INVALID', 'authorization')
    }
    if (payload.exp <= now.getTime()) return fail('SSC_AUTH_INVALID', 'authorization')
    return ok({ personId: payload.personId, nonce: payload.nonce, expiresAt: new Date(payload.exp) })
  }
}
