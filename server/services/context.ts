/** What the services need, injected once by buildApp (and by tests). */
import type { CyclePolicy } from '../../src/core/cycle'
import type { PiiCipher } from '../crypto/pii'
import type { Dialect } from '../db/schema'
import type { NonceStore } from '../nonces/store'
import type { AuditBuffer } from '../repositories/audit'
import type { Db } from '../repositories/types'
import type { SocialSecurityCardAuth } from '../ssc/port'
import type { Clock } from '../time/clock'

export interface ServiceContext {
  db: Db
  dialect: Dialect
  pii: PiiCipher
  clock: Clock
  cyclePolicy: CyclePolicy
  ssc: SocialSecurityCardAuth
  nonces: NonceStore
  /** Batches the audit rows of reads (status, records); absent: each is written at once. */
  readAudit?: AuditBuffer
  /** The agency hotline when a region names none (NOTICE_HOTLINE; default 12333). */
  defaultHotline?: string
}
