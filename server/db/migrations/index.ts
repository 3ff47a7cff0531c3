/** Every migration, in order. Names never change once released; add new files at the end. */
import type { Kysely } from 'kysely'
import type { Dialect } from '../schema'
import * as initial from './001-initial'
import * as certificationSessions from './002-certification-sessions'
import * as faceReferences from './003-face-references'
import * as familySharesNotices from './004-family-shares-notices'
import * as reminders from './005-reminders'
import * as rosterCertifiedOn from './006-roster-certified-on'
import * as sealedPersonPii from './007-sealed-person-pii'
import * as noCardBlindIndex from './008-no-card-blind-index'
import * as summaryFingerprints from './009-summary-fingerprints'
import * as limitCounters from './010-limit-counters'
import * as unloggedNonces from './011-unlogged-nonces'
import * as outboxWithoutRowChecks from './012-outbox-without-row-checks'
import * as jobLeases from './013-job-leases'
import * as standing from './014-standing'
import * as agencyReview from './016-agency-review'
import * as agencyAccounts from './015-agency-accounts'
import * as agencyExports from './017-agency-exports'
import * as appeals from './018-appeals'
import * as unitAdmins from './019-unit-admins'
import * as signals from './020-signals'
import * as readAuditLog from './021-read-audit-log'

export interface MigrationModule {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  up(db: Kysely<any>, dialect: Dialect): Promise<void>
}

export const MIGRATIONS: ReadonlyArray<readonly [name: string, module: MigrationModule]> = [
  ['001-initial', initial],
  ['002-certification-sessions', certificationSessions],
  ['003-face-references', faceReferences],
  ['004-family-shares-notices', familySharesNotices],
  ['005-reminders', reminders],
  ['006-roster-certified-on', rosterCertifiedOn],
  ['007-sealed-person-pii', sealedPersonPii],
  ['008-no-card-blind-index', noCardBlindIndex],
  ['009-summary-fingerprints', summaryFingerprints],
  ['010-limit-counters', limitCounters],
  ['011-unlogged-nonces', unloggedNonces],
  ['012-outbox-without-row-checks', outboxWithoutRowChecks],
  ['013-job-leases', jobLeases],
  ['014-standing', standing],
  ['015-agency-accounts', agencyAccounts],
  ['016-agency-review', agencyReview],
  ['017-agency-exports', agencyExports],
  ['018-appeals', appeals],
  ['019-unit-admins', unitAdmins],
  ['020-signals', signals],
  ['021-read-audit-log', readAuditLog],
]
