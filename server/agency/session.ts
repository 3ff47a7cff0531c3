/**
 * The console's session, read on every /agency/api request: the `yl_agency` cookie's token is
 * hashed and looked up with its user in one query. A session past its absolute end, idle too long,
 * revoked, or whose user is disabled is no session. req.agencySignIn is any live session, at
 * whatever sign-in step; req.agencySession (what agencyRoute() checks) only a fully signed-in one —
 * a half-signed-in session (TOTP or a new password still due) can call nothing but the sign-in
 * steps and sign-out.
 */
import type { FastifyInstance } from 'fastify'
import type { SignInStep } from '../../src/core/contracts/agency/auth'
import { findLiveAgencySession, insertAgencySession, touchAgencySession, type AgencySessionRow } from '../repositories/agency/sessions'
import type { AgencyUserRow } from '../repositories/agency/users'
import { actorOf, type AgencyAuthDeps } from './accounts'
import { readSessionCookie } from './cookie'
import { newCsrfToken, newSessionToken, sessionIdOf, TOKEN_PATTERN } from './tokens'

export interface AgencySignInState {
  session: AgencySessionRow
  user: AgencyUserRow
  step: SignInStep
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Any live agency session, at whatever step of signing in; null: none. */
    agencySignIn: AgencySignInState | null
  }
}

/** How long a session may wait for its TOTP code before the password must be given again. */
export const SECOND_FACTOR_WINDOW_MS = 5 * 60_000
/** last_seen_at is written at most this often (idle expiry is that much coarser; saves a write per request). */
const TOUCH_EVERY_MS = 30_000

export function stepOf(session: Pick<AgencySessionRow, 'second_factor_done'>, user: AgencyUserRow): SignInStep {
  if (session.second_factor_done === 0) return user.totp_enrolled_at !== null ? 'totpRequired' : 'totpEnrolment'
  return user.must_change_password === 1 ? 'passwordChangeRequired' : 'signedIn'
}

/** Opens a session; answers the cookie's token (only the hash is stored). */
export async function openAgencySession(deps: AgencyAuthDeps, user: AgencyUserRow, secondFactorDone: boolean): Promise<{ token: string; session: AgencySessionRow }> {
  const now = deps.clock()
  const token = newSessionToken()
  const lifetime = secondFactorDone ? deps.config.absoluteHours * 3600_000 : SECOND_FACTOR_WINDOW_MS
  const session: AgencySessionRow = {
    id: sessionIdOf(token),
    user_id: user.id,
    csrf_token: newCsrfToken(),
    created_at: now.toISOString(),
    last_seen_at: now.toISOString(),
    expires_at: new Date(now.getTime() + lifetime).toISOString(),
    second_factor_done: secondFactorDone ? 1 : 0,
    revoked_at: null,
  }
  await insertAgencySession(deps.db, session)
  return { token, session }
}

/** True while the session is inside both its absolute and its idle limit. */
export function sessionAlive(deps: AgencyAuthDeps, session: AgencySessionRow, now: Date): boolean {
  const t = now.getTime()
  return Date.parse(session.expires_at) > t && Date.parse(session.last_seen_at) + deps.config.idleMinutes * 60_000 > t
}

/** Installs the session read on the agency API instance (its hooks cover every route registered on it). */
export function installAgencySessions(api: FastifyInstance, deps: AgencyAuthDeps): void {
  api.decorateRequest('agencySession', null)
  api.decorateRequest('agencySignIn', null)
  api.addHook('onRequest', async (req) => {
    const token = readSessionCookie(req.headers.cookie)
    if (!token || !TOKEN_PATTERN.test(token)) return
    const found = await findLiveAgencySession(deps.db, sessionIdOf(token))
    if (!found || found.user.disabled_at !== null) return
    const now = deps.clock()
    if (!sessionAlive(deps, found.session, now)) return
    if (now.getTime() - Date.parse(found.session.last_seen_at) >= TOUCH_EVERY_MS) {
      await touchAgencySession(deps.db, found.session.id, now.toISOString())
      found.session.last_seen_at = now.toISOString()
    }
    const step = stepOf(found.session, found.user)
    req.agencySignIn = { ...found, step }
    if (step === 'signedIn') req.agencySession = { sessionId: found.session.id, actor: actorOf(found.user), csrfToken: found.session.csrf_token }
  })
}
