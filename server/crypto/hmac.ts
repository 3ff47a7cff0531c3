/** Small HMAC helpers (constant-time comparison, hex/base64url digests). */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto'

export function hmacHex(secret: string | Buffer, data: string): string {
  return createHmac('sha256', secret).update(data).digest('hex')
}

export function hmacBase64url(secret: string | Buffer, data: string): string {
  return createHmac('sha256', secret).update(data).digest('base64url')
}

export function sha256Hex(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex')
}

/** Constant-time equality for two strings of possibly different length. */
export function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a)
  const y = Buffer.from(b)
  return x.length === y.length && timingSafeEqual(x, y)
}
