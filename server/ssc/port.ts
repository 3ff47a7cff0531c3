/**
 * SocialSecurityCardAuth: 电子社保卡授权. The holder authorises in the 电子社保卡 channel and the
 * mini-program receives an opaque authorisation; the backend asks the port which roster person it is
 * for. Adapters: `local` (a signed stand-in, see local.ts) and `national` (production, see national.ts).
 */
import type { Result } from '../../src/core/errors'

export interface SscAuthorization {
  /** Internal roster id (persons.id) of the card holder. */
  personId: string
  /** Single-use id of this authorisation. */
  nonce: string
  expiresAt: Date
}

export interface SocialSecurityCardAuth {
  readonly kind: 'local' | 'national'
  /** Checks the authorisation's signature and expiry and says whose it is. Does not consume it. */
  verify(authorization: string, now: Date): Promise<Result<SscAuthorization>>
}

/** Only the local adapter can issue authorisations (it stands in for the national app). */
export interface LocalSscIssuer {
  issue(personId: string, now: Date): string
}
