/**
 * The sign-in steps: password → TOTP code (or first enrolment) → new password if the account still
 * has its one-time password → signed in. Each step answers where the user stands and, when the
 * session changes, a new cookie token: the session is replaced (new token, new CSRF token) when the
 * second factor is done and when the password changes, so a token seen before cannot be promoted.
 * Every step is audited with actor_type 'agency'; no password, code, secret or token is logged.
 */
import type { SignInAnswer } from '../../src/core/contracts/agency/auth'
import { DomainError } from '../../src/core/errors'
import { appendAudit } from '../repositories/audit'
import { purgeAgencySessions, revokeAgencySession, revokeAgencyUserSessions } from '../repositories/agency/sessions'
import { clearAgencyFailures, findAgencyUserById, setAgencyPassword, setPendingTotpSecret, takeTotpStep, type AgencyUserRow } from '../repositories/agency/users'
import { checkPassword, countFailure, isLocked, lockedError, needsSecondFactor, userView, type AgencyAuthDeps } from './accounts'
import { hashPassword, strongEnough, verifyPassword } from './passwords'
import { openAgencySession, stepOf, type AgencySignInState } from './session'
import { acceptCode, newEnrolment } from './totp'

/** Session rows are kept this long past their end (recent ones stay for inspection), then deleted. */
const PURGE_AFTER_MS = 24 * 3600_000

export interface StepResult {
  answer: SignInAnswer
  /** A new session token for the cookie (absent: the cookie stays as it is). */
  token?: string
  /** Seconds the cookie should live. */
  maxAgeSeconds: number
}

async function audit(deps: AgencyAuthDeps, userId: string, action: string, detail: Record<string, string | number | boolean | null> = {}): Promise<void> {
  await appendAudit(deps.db, { at: deps.clock().toISOString(), actorType: 'agency', actorRef: userId, action, detail })
}

function secondsLeft(deps: AgencyAuthDeps, expiresAt: string): number {
  return Math.max(0, Math.floor((Date.parse(expiresAt) - deps.clock().getTime()) / 1000))
}

/** Password step. `previous` (a session the browser already had) is revoked: a sign-in always starts a new session. */
export async function signInWithPassword(deps: AgencyAuthDeps, username: string, password: string, previous: AgencySignInState | null): Promise<StepResult> {
  const user = await checkPassword(deps, username, password)
  if (previous) await revokeAgencySession(deps.db, previous.session.id, deps.clock().toISOString())
  // Housekeeping on a rare, already slow request: rows that ended over a day ago go (indexed on expires_at).
  await purgeAgencySessions(deps.db, new Date(deps.clock().getTime() - PURGE_AFTER_MS).toISOString())
  const twoStep = needsSecondFactor(user)
  let enrolment: SignInAnswer['enrolment']
  if (twoStep && user.totp_enrolled_at === null) {
    // A new secret each time the password step is passed until one is confirmed; answered only here.
    const e = newEnrolment(user.username)
    await setPendingTotpSecret(deps.db, user.id, deps.secrets.seal(user.id, e.secret), deps.clock().toISOString())
    enrolment = e
  }
  if (!twoStep) await clearAgencyFailures(deps.db, user.id, deps.clock().toISOString())
  const { token, session } = await openAgencySession(deps, user, !twoStep)
  const step = stepOf(session, user)
  await audit(deps, user.id, step === 'signedIn' ? 'agency.auth.signed_in' : 'agency.auth.password_accepted', { next: step })
  return {
    answer: { step, csrfToken: session.csrf_token, user: userView(user, deps.clock()), ...(enrolment ? { enrolment } : {}) },
    token,
    maxAgeSeconds: secondsLeft(deps, session.expires_at),
  }
}

/** TOTP step (also confirms an enrolment). */
export async function signInWithTotp(deps: AgencyAuthDeps, state: AgencySignInState | null, code: string): Promise<StepResult> {
  if (!state || (state.step !== 'totpRequired' && state.step !== 'totpEnrolment')) throw new DomainError('AGENCY_SIGNIN_REQUIRED')
  const now = deps.clock()
  const user = state.user
  if (isLocked(user, now)) throw lockedError(user.locked_until!)
  if (!user.totp_secret_enc) throw new DomainError('AGENCY_SIGNIN_REQUIRED')
  const secret = deps.secrets.open(user.id, user.totp_secret_enc)
  const step = await acceptCode(secret, code, now, user.totp_last_step)
  if (step === null || !(await takeTotpStep(deps.db, user.id, step, now.toISOString()))) {
    const err = await countFailure(deps, user, 'totp', new DomainError('AGENCY_TOTP_INVALID'))
    if (err.code === 'AGENCY_ACCOUNT_LOCKED') await revokeAgencySession(deps.db, state.session.id, now.toISOString())
    throw err
  }
  await clearAgencyFailures(deps.db, user.id, now.toISOString())
  await revokeAgencySession(deps.db, state.session.id, now.toISOString())
  const fresh = (await findAgencyUserById(deps.db, user.id))!
  if (state.step === 'totpEnrolment') await audit(deps, user.id, 'agency.auth.totp_enrolled')
  const { token, session } = await openAgencySession(deps, fresh, true)
  const next = stepOf(session, fresh)
  await audit(deps, user.id, next === 'signedIn' ? 'agency.auth.signed_in' : 'agency.auth.totp_accepted', { next })
  return { answer: { step: next, csrfToken: session.csrf_token, user: userView(fresh, deps.clock()) }, token, maxAgeSeconds: secondsLeft(deps, session.expires_at) }
}

/**
 * New password: for a session past its second factor (the one-time password's forced change, or a
 * signed-in user's own change). All the user's sessions end; this browser gets a new one.
 */
export async function changePassword(deps: AgencyAuthDeps, state: AgencySignInState | null, currentPassword: string, newPassword: string): Promise<StepResult> {
  if (!state || (state.step !== 'passwordChangeRequired' && state.step !== 'signedIn')) throw new DomainError('AGENCY_SIGNIN_REQUIRED')
  const now = deps.clock()
  const user: AgencyUserRow = state.user
  if (isLocked(user, now)) throw lockedError(user.locked_until!)
  if (!(await verifyPassword(user.password_hash, currentPassword))) throw await countFailure(deps, user, 'password', new DomainError('AGENCY_SIGNIN_FAILED', { field: 'currentPassword' }))
  if (newPassword === currentPassword) throw new DomainError('AGENCY_PASSWORD_UNCHANGED', { field: 'newPassword' })
  if (!strongEnough(newPassword, user.username)) throw new DomainError('AGENCY_PASSWORD_WEAK', { field: 'newPassword' })
  await setAgencyPassword(deps.db, user.id, await hashPassword(newPassword), false, now.toISOString())
  await revokeAgencyUserSessions(deps.db, user.id, now.toISOString())
  const fresh = (await findAgencyUserById(deps.db, user.id))!
  const { token, session } = await openAgencySession(deps, fresh, true)
  await audit(deps, user.id, 'agency.auth.password_changed')
  if (state.step === 'passwordChangeRequired') await audit(deps, user.id, 'agency.auth.signed_in', { next: 'signedIn' })
  return { answer: { step: 'signedIn', csrfToken: session.csrf_token, user: userView(fresh, deps.clock()) }, token, maxAgeSeconds: secondsLeft(deps, session.expires_at) }
}

/** Ends the browser's session (any step). Answers whether there was one. */
export async function signOut(deps: AgencyAuthDeps, state: AgencySignInState | null): Promise<boolean> {
  if (!state) return false
  const revoked = await revokeAgencySession(deps.db, state.session.id, deps.clock().toISOString())
  if (revoked) await audit(deps, state.user.id, 'agency.auth.signed_out')
  return revoked
}
