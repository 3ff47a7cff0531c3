import type { AgencyAuthConfig } from '../../agency/config'
import type { SecretCipher } from '../../agency/secret-cipher'
import type { RemindersConfig } from '../../reminders/config'
import type { ServiceContext } from '../../services/context'

/** What every /agency/api resource plugin is registered with. */
export interface AgencyRouteOptions {
  ctx: ServiceContext
  production: boolean
  reminders: RemindersConfig
  /** After a record is written (approval, offline record): queue the result notices, as the app's own passes do. */
  afterRecord: (recordId: string) => Promise<void>
  /** Sign-in settings and the TOTP secrets' cipher (server/agency/). */
  auth: { config: AgencyAuthConfig; secrets: SecretCipher }
}
