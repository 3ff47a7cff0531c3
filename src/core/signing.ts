/**
 * Canonical form of a signed service request (cloud function → backend). Pure: the HMAC itself is
 * computed with node:crypto on each side. See docs/backend-api.md.
 */
export const SIGNATURE_HEADERS = {
  keyId: 'x-yl-key-id',
  timestamp: 'x-yl-timestamp',
  nonce: 'x-yl-nonce',
  signature: 'x-yl-signature',
} as const

/** Requests older or newer than this are refused, and nonces are remembered for this long. */
export const SIGNATURE_MAX_SKEW_MS = 5 * 60 * 1000

export const NONCE_PATTERN = /^[A-Za-z0-9_-]{16,64}$/

export function canonicalRequest(method: string, path: string, timestamp: string, nonce: string, bodySha256Hex: string): string {
  return `${method.toUpperCase()}\n${path}\n${timestamp}\n${nonce}\n${bodySha256Hex}`
}
