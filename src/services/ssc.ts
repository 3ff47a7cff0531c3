/**
 * 电子社保卡授权 — a port with two adapters.
 *
 * - `national` (production weapp): the national 电子社保卡 channel authorises the holder and hands
 *   back a signed authorisation. Its interface needs accreditation and is not public, so this
 *   adapter only says the feature is not ready; it is selected with YL_SSC_CHANNEL=national.
 * - `local` (default; H5 and local weapp): opens the stand-in page packages/bind/ssc-local, which
 *   asks for name + ID number and calls localSscAuthorize, then bindIdentity {method: 'ssc'}.
 */
import type { BindingView } from '@/core/contracts/views'
import { fail, type Result } from '@/core/errors'
import { bindWithSscAuthorization, localSscAuthorize } from './api'
import { buildEnv } from './platform'
import { navigateTo, ROUTES } from './navigation'

export interface SscAuthorizer {
  readonly channel: 'local' | 'national'
  /** Starts the authorisation flow from a tap. */
  start(): Promise<Result<'started'>>
}

const localAuthorizer: SscAuthorizer = {
  channel: 'local',
  async start() {
    const ok = await navigateTo(ROUTES.sscLocal)
    return ok ? { ok: true, data: 'started' } : fail('SERVICE_UNAVAILABLE')
  },
}

const nationalAuthorizer: SscAuthorizer = {
  channel: 'national',
  async start() {
    return fail('FEATURE_NOT_READY')
  },
}

export function sscAuthorizer(): SscAuthorizer {
  return buildEnv.sscChannel() === 'national' ? nationalAuthorizer : localAuthorizer
}

/** The local stand-in: authorise as the named roster person, then bind with that authorisation. */
export async function authorizeLocallyAndBind(name: string, idNumber: string): Promise<Result<BindingView>> {
  const auth = await localSscAuthorize(name, idNumber)
  if (!auth.ok) return auth
  return bindWithSscAuthorization(auth.data.authorization)
}
