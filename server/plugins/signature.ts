/**
 * Verifies HMAC-signed service requests (docs/backend-api.md § Signing). Register inside the /v1
 * scope only. Order: headers present and fresh (onRequest, before the body is read) → body read raw
 * → signature over the exact bytes → nonce not seen before → JSON parsed. So unsigned junk gets 401,
 * and nonces cannot be burnt by requests that are not signed.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { canonicalRequest, NONCE_PATTERN, SIGNATURE_HEADERS, SIGNATURE_MAX_SKEW_MS } from '../../src/core/signing'
import { hmacHex, safeEqual, sha256Hex } from '../crypto/hmac'
import { DomainError } from '../../src/core/errors'
import type { NonceStore } from '../nonces/store'
import type { Clock } from '../time/clock'

export interface SignatureOptions {
  /** Accepted secrets by key id. */
  keys: Record<string, string>
  nonces: NonceStore
  clock: Clock
}

declare module 'fastify' {
  interface FastifyRequest {
    rawBody?: Buffer
  }
}

function header(req: FastifyRequest, name: string): string | undefined {
  const value = req.headers[name]
  return typeof value === 'string' && value.length > 0 ? value : undefined
}

/** Installs the parser and hooks on the given (encapsulated) scope; call it before adding routes. */
export function installSignatureCheck(app: FastifyInstance, opts: SignatureOptions): void {
  // Keep the exact bytes: the signature covers them. JSON is parsed after verification.
  app.removeAllContentTypeParsers()
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (req, body, next) => {
    req.rawBody = body as Buffer
    next(null, undefined)
  })

  // A callback hook (a throw is answered as an async hook's rejection is): no promise per request.
  app.addHook('onRequest', (req, _reply, done) => {
    const keyId = header(req, SIGNATURE_HEADERS.keyId)
    const timestamp = header(req, SIGNATURE_HEADERS.timestamp)
    const nonce = header(req, SIGNATURE_HEADERS.nonce)
    const signature = header(req, SIGNATURE_HEADERS.signature)
    if (!keyId || !timestamp || !nonce || !signature) throw new DomainError('SIGNATURE_MISSING')
    if (!/^\d{1,16}$/.test(timestamp) || !NONCE_PATTERN.test(nonce) || !/^[0-9a-f]{64}$/.test(signature)) {
      throw new DomainError('SIGNATURE_INVALID')
    }
    if (Math.abs(opts.clock().getTime() - Number(timestamp)) > SIGNATURE_MAX_SKEW_MS) throw new DomainError('REQUEST_STALE')
    done()
  })

  app.addHook('preValidation', async (req) => {
    const keyId = header(req, SIGNATURE_HEADERS.keyId)!
    const timestamp = header(req, SIGNATURE_HEADERS.timestamp)!
    const nonce = header(req, SIGNATURE_HEADERS.nonce)!
    const signature = header(req, SIGNATURE_HEADERS.signature)!
    const secret = Object.prototype.hasOwnProperty.call(opts.keys, keyId) ? opts.keys[keyId] : undefined
    const raw = req.rawBody ?? Buffer.alloc(0)
    const expected = secret === undefined ? '' : hmacHex(secret, canonicalRequest(req.method, req.url, timestamp, nonce, sha256Hex(raw)))
    if (secret === undefined || !safeEqual(expected, signature)) throw new DomainError('SIGNATURE_INVALID')

    const now = opts.clock()
    const expiresAt = new Date(Math.max(now.getTime(), Number(timestamp)) + SIGNATURE_MAX_SKEW_MS)
    if (!(await opts.nonces.use(`req:${keyId}:${nonce}`, expiresAt, now))) throw new DomainError('REQUEST_REPLAYED')

    if (req.rawBody !== undefined) {
      try {
        req.body = JSON.parse(req.rawBody.toString('utf8'))
      } catch {
        throw new DomainError('BAD_REQUEST')
      }
    }
  })
}
