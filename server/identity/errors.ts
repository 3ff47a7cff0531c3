/** Errors the identity adapters throw from prepare() (verify() answers with an outcome instead). */

/**
 * prepare() could not produce the client step. `transient`: the verifier is down or busy (try again
 * later; not the person's fault). Otherwise the platform refused the request (e.g. WeChat rejected
 * the certificate fields): `code` is the platform's error code, never personal data.
 */
export class IdentityPrepareError extends Error {
  constructor(
    readonly transient: boolean,
    readonly code?: number,
  ) {
    super(transient ? 'identity verifier unavailable' : `identity verifier refused the request (${code ?? 'unknown'})`)
    this.name = 'IdentityPrepareError'
  }
}

/** Minimal pino-compatible logger. Never pass names, ID numbers, cert_hash or images to it. */
export interface IdentityLogger {
  info(obj: Record<string, unknown>, msg: string): void
  warn(obj: Record<string, unknown>, msg: string): void
  error(obj: Record<string, unknown>, msg: string): void
}

export const silentLogger: IdentityLogger = { info: () => {}, warn: () => {}, error: () => {} }
