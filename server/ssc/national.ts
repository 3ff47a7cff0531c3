/**
 * Production adapter for 电子社保卡授权 through the national social security public service platform
 * (全国社会保险公共服务平台 / 电子社保卡). Its interface is given only to accredited agencies and is not
 * public, so this adapter is a documented port that answers SERVICE_UNAVAILABLE until the agency
 * has been accredited. What production needs:
 *
 * 1. Accreditation of the agency's mini-program as an 电子社保卡 access channel (渠道接入申请), which
 *    yields a channel number, a signing key pair, and the platform's public key.
 * 2. The mini-program opens the 电子社保卡 authorisation (a navigateToMiniProgram hop or the SDK the
 *    platform provides); the holder confirms with their card PIN or face; the mini-program receives a
 *    one-time authorisation code, sent here as `authorization`.
 * 3. This adapter exchanges the code server-to-server (signed with the channel key, SM2/SM3/SM4 as the
 *    platform requires) for the holder's certified identity (name, ID number, card number, issuing
 *    region), verifies the platform's signature, and resolves the roster person through the ID-number
 *    blind index — the same lookup manual binding uses. The code is single-use and short-lived.
 * 4. Egress to the platform from the backend network, and audit of every exchange.
 */
import { fail, type Result } from '../../src/core/errors'
import type { SocialSecurityCardAuth, SscAuthorization } from './port'

export class NationalSscAuth implements SocialSecurityCardAuth {
  readonly kind = 'national' as const

  async verify(_authorization: string, _now: Date): Promise<Result<SscAuthorization>> {
    return fail('SERVICE_UNAVAILABLE')
  }
}
