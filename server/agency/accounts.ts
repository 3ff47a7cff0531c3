/**
 * Agency accounts: creation (with a one-time password), the password check with lockout after
 * repeated failures, unlock and disable. The sign-in steps themselves are in sign-in.ts.
 */
import { AGENCY_ROLE_LABELS, type AgencyRole } from '../../src/core/contracts/agency/define'
import type { AgencyUserView } from '../../src/core/contracts/agency/auth'
import { AGENCY_USERNAME_PATTERN } from '../../src/core/contracts/agency/users'
import { DomainError } from '../../src/core/errors'
import { newId } from '../db/ids'
import { isUniqueViolation } from '../db/errors'
import { appendAudit } from '../repositories/audit'
import {
  clearAgencyFailures,
  findAgencyUserByUsername,
  insertAgencyUser,
  recordAgencyFailure,
  setAgencyPassword,
  type AgencyUserRow,
} from '../repositories/agency/users'
import type { Db } from '../repositories/types'
import type { Clock } from '../time/clock'
import type { AgencyActor } from './actor'
import type { AgencyAuthConfig } from './config'
import { burnPasswordCheck, hashPassword, oneTimePassword, verifyPassword } from './passwords'
import type { SecretCipher } from './secret-cipher'

/** What account and sign-in code needs; built once in the agency API plugin (and by the CLI). */
export interface AgencyAuthDeps {
  db: Db
  clock: Clock
  config: AgencyAuthConfig
  secrets: SecretCipher
}

/** The deps from the agency API's options (server/routes/agency/options.ts). */
export function agencyAuthDeps(ctx: { db: Db; clock: Clock }, auth: { config: AgencyAuthConfig; secrets: SecretCipher }): AgencyAuthDeps {
  return { db: ctx.db, clock: ctx.clock, config: auth.config, secrets: auth.secrets }
}

export const REGION_PREFIX_PATTERN = /^\d{0,12}$/

export function userView(u: AgencyUserRow, now: Date): AgencyUserView {
  const locked = u.locked_until !== null && Date.parse(u.locked_until) > now.getTime()
  return {
    id: u.id,
    username: u.username,
    displayName: u.display_name,
    role: u.role,
    roleLabel: AGENCY_ROLE_LABELS[u.role],
    regionPrefix: u.region_prefix,
    totpEnrolled: u.totp_enrolled_at !== null,
    mustChangePassword: u.must_change_password === 1,
    lockedUntil: locked ? u.locked_until : null,
    disabled: u.disabled_at !== null,
    createdAt: u.created_at,
  }
}

export function actorOf(u: AgencyUserRow): AgencyActor {
  return { userId: u.id, username: u.username, displayName: u.display_name, role: u.role, regionPrefix: u.region_prefix }
}

/** 审核员 and 管理员 must sign in with TOTP; a 经办员 who enrolled one uses it too. */
export function needsSecondFactor(u: AgencyUserRow): boolean {
  return u.role !== 'clerk' || u.totp_enrolled_at !== null
}

export interface NewAgencyUser {
  username: string
  displayName: string
  role: AgencyRole
  regionPrefix: string
  /** Agency user id of the creating admin, or 'cli' / 'demo'. */
  createdBy: string
}

/** Creates a user who must change the returned one-time password at first sign-in. */
export async function createAgencyUser(deps: Pick<AgencyAuthDeps, 'db' | 'clock'>, input: NewAgencyUser): Promise<{ user: AgencyUserRow; oneTimePassword: string }> {
  const username = input.username.trim().toLowerCase()
  if (!AGENCY_USERNAME_PATTERN.test(username)) throw new DomainError('AGENCY_USERNAME_INVALID', { field: 'username' })
  if (!REGION_PREFIX_PATTERN.test(input.regionPrefix)) throw new DomainError('AGENCY_REGION_INVALID', { field: 'regionPrefix' })
  const displayName = input.displayName.trim() || username
  if (await findAgencyUserByUsername(deps.db, username)) throw new DomainError('AGENCY_USERNAME_TAKEN', { field: 'username' })
  const password = oneTimePassword()
  const now = deps.clock().toISOString()
  const user: AgencyUserRow = {
    id: newId(),
    username,
    display_name: displayName,
    role: input.role,
    region_prefix: input.regionPrefix,
    password_hash: await hashPassword(password),
    totp_secret_enc: null,
    totp_enrolled_at: null,
    totp_last_step: null,
    must_change_password: 1,
    failed_count: 0,
    locked_until: null,
    disabled_at: null,
    created_at: now,
    created_by: input.createdBy,
    updated_at: now,
  }
  try {
    await insertAgencyUser(deps.db, user)
  } catch (err) {
    if (isUniqueViolation(err)) throw new DomainError('AGENCY_USERNAME_TAKEN', { field: 'username' })
    throw err
  }
  await appendAudit(deps.db, { at: now, actorType: 'agency', actorRef: input.createdBy, action: 'agency.user.created', detail: { userId: user.id, role: user.role, regionPrefix: user.region_prefix } })
  return { user, oneTimePassword: password }
}

/** Gives the user a new one-time password (must be changed at the next sign-in). */
export async function resetAgencyPassword(deps: Pick<AgencyAuthDeps, 'db' | 'clock'>, user: AgencyUserRow, actorRef: string): Promise<string> {
  const password = oneTimePassword()
  const now = deps.clock().toISOString()
  await setAgencyPassword(deps.db, user.id, await hashPassword(password), true, now)
  await clearAgencyFailures(deps.db, user.id, now)
  await appendAudit(deps.db, { at: now, actorType: 'agency', actorRef, action: 'agency.user.password_reset', detail: { userId: user.id } })
  return password
}

/** "HH:mm" Beijing time of an ISO instant (the lockout message says when to retry). */
function beijingClock(iso: string): string {
  return new Date(Date.parse(iso) + 8 * 3600_000).toISOString().slice(11, 16)
}

export function lockedError(lockedUntil: string): DomainError {
  return new DomainError('AGENCY_ACCOUNT_LOCKED', { message: `密码或验证码错误次数过多，账号已暂时锁定，请在北京时间 ${beijingClock(lockedUntil)} 以后再试，或请管理员解锁` })
}

export function isLocked(u: AgencyUserRow, now: Date): boolean {
  return u.locked_until !== null && Date.parse(u.locked_until) > now.getTime()
}

/**
 * Counts a wrong password or code. Answers the error to throw: the lockout (with when to retry) if
 * this failure reached the limit, else `otherwise`. Audited either way.
 */
export async function countFailure(deps: AgencyAuthDeps, u: AgencyUserRow, reason: 'password' | 'totp', otherwise: DomainError): Promise<DomainError> {
  const now = deps.clock()
  const lockUntil = new Date(now.getTime() + deps.config.lockoutMinutes * 60_000).toISOString()
  const after = await recordAgencyFailure(deps.db, u.id, deps.config.lockoutFailures, lockUntil, now.toISOString())
  const locked = after?.locked_until === lockUntil
  await appendAudit(deps.db, {
    at: now.toISOString(),
    actorType: 'agency',
    actorRef: u.id,
    action: locked ? 'agency.auth.locked' : 'agency.auth.sign_in_failed',
    detail: { reason },
  })
  return locked ? lockedError(lockUntil) : otherwise
}

/**
 * The user whose password this is, or a thrown error: AGENCY_SIGNIN_FAILED for an unknown or
 * disabled user and a wrong password alike (same message, same argon2 cost), AGENCY_ACCOUNT_LOCKED
 * while locked (the password is then not even checked).
 */
export async function checkPassword(deps: AgencyAuthDeps, username: string, password: string): Promise<AgencyUserRow> {
  const now = deps.clock()
  const user = await findAgencyUserByUsername(deps.db, username.trim().toLowerCase())
  if (!user || user.disabled_at !== null) {
    await burnPasswordCheck(password)
    await appendAudit(deps.db, { at: now.toISOString(), actorType: 'agency', actorRef: user?.id ?? 'unknown', action: 'agency.auth.sign_in_failed', detail: { reason: user ? 'disabled' : 'unknown_user' } })
    throw new DomainError('AGENCY_SIGNIN_FAILED')
  }
  if (isLocked(user, now)) {
    await appendAudit(deps.db, { at: now.toISOString(), actorType: 'agency', actorRef: user.id, action: 'agency.auth.sign_in_refused_locked', detail: {} })
    throw lockedError(user.locked_until!)
  }
  if (!(await verifyPassword(user.password_hash, password))) throw await countFailure(deps, user, 'password', new DomainError('AGENCY_SIGNIN_FAILED'))
  // Failures are cleared only once fully signed in (sign-in.ts): a right password alone must not
  // reset the count, or the TOTP step could be guessed without end.
  return user
}
