import { hkdfSync } from 'node:crypto'
import { LocalSscAuth } from './local'
import { NationalSscAuth } from './national'
import type { SocialSecurityCardAuth } from './port'

/** Picks the adapter named by SSC_AUTH_ADAPTER. The local token key is derived from the HMAC secret. */
export function createSscAuth(kind: 'local' | 'national', hmacSecret: string): SocialSecurityCardAuth {
  if (kind === 'national') return new NationalSscAuth()
  return new LocalSscAuth(Buffer.from(hkdfSync('sha256', Buffer.from(hmacSecret), Buffer.alloc(0), 'yinling/ssc-local', 32)))
}
