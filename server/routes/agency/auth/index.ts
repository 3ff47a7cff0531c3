/**
 * /agency/api/auth/*: sign-in steps, sign-out and "who am I". The steps are 'public' routes (no full
 * session yet) but every step after the password needs the half-signed-in session's cookie and its
 * CSRF token, checked here since agencyRoute() checks CSRF only for full sessions.
 */
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify'
import { DomainError } from '../../../../src/core/errors'
import { agencyAuthDeps, userView } from '../../../agency/accounts'
import { clearedCookie, sessionCookie } from '../../../agency/cookie'
import { agencyRoute, csrfMatches, CSRF_HEADER } from '../../../agency/http/route'
import { changePassword, signInWithPassword, signInWithTotp, signOut, type StepResult } from '../../../agency/sign-in'
import type { AgencyRouteOptions } from '../options'

export const authRoutes: FastifyPluginAsync<AgencyRouteOptions> = async (app, opts) => {
  const deps = agencyAuthDeps(opts.ctx, opts.auth)

  const requireCsrf = (req: FastifyRequest): void => {
    const state = req.agencySignIn
    if (!state) throw new DomainError('AGENCY_SIGNIN_REQUIRED')
    if (!csrfMatches(req.headers[CSRF_HEADER], state.session.csrf_token)) throw new DomainError('AGENCY_CSRF_INVALID')
  }
  const answer = (reply: FastifyReply, r: StepResult) => {
    if (r.token) reply.header('set-cookie', sessionCookie(r.token, r.maxAgeSeconds, opts.production))
    reply.header('cache-control', 'no-store')
    return r.answer
  }

  agencyRoute(app, 'authSignIn', async ({ input, req, reply }) => answer(reply, await signInWithPassword(deps, input.username, input.password, req.agencySignIn)))

  agencyRoute(app, 'authTotp', async ({ input, req, reply }) => {
    requireCsrf(req)
    return answer(reply, await signInWithTotp(deps, req.agencySignIn, input.code))
  })

  agencyRoute(app, 'authChangePassword', async ({ input, req, reply }) => {
    requireCsrf(req)
    return answer(reply, await changePassword(deps, req.agencySignIn, input.currentPassword, input.newPassword))
  })

  agencyRoute(app, 'authSignOut', async ({ req, reply }) => {
    // Signing out without a session is a no-op (idempotent); with one, it needs the CSRF token.
    if (req.agencySignIn) {
      requireCsrf(req)
      await signOut(deps, req.agencySignIn)
    }
    reply.header('set-cookie', clearedCookie(opts.production))
    return { signedOut: true as const }
  })

  agencyRoute(app, 'authMe', async ({ req, reply }) => {
    reply.header('cache-control', 'no-store')
    const state = req.agencySignIn!
    return { user: userView(state.user, deps.clock()), csrfToken: state.session.csrf_token }
  })
}
