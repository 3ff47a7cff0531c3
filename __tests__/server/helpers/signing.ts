/** Signs requests exactly as docs/backend-api.md says (what the cloud functions do). */
import { createHash, createHmac, randomBytes } from 'node:crypto'
import { canonicalRequest } from '../../../src/core/signing'
import { TEST_HMAC_SECRET } from './config'

export interface SignOptions {
  secret?: string
  keyId?: string
  timestamp?: number
  nonce?: string
}

export function signedHeaders(method: string, path: string, body: string, opts: SignOptions = {}): Record<string, string> {
  const timestamp = String(opts.timestamp ?? Date.now())
  const nonce = opts.nonce ?? randomBytes(16).toString('base64url')
  const bodyHash = createHash('sha256').update(body).digest('hex')
  const signature = createHmac('sha256', opts.secret ?? TEST_HMAC_SECRET).update(canonicalRequest(method, path, timestamp, nonce, bodyHash)).digest('hex')
  return {
    'x-yl-key-id': opts.keyId ?? 'k1',
    'x-yl-timestamp': timestamp,
    'x-yl-nonce': nonce,
    'x-yl-signature': signature,
  }
}
