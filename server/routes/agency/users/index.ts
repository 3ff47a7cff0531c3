/** /agency/api/users: 管理员 manage the accounts inside their own region (scope in the queries). */
import type { FastifyPluginAsync } from 'fastify'
import { agencyAuthDeps, userView } from '../../../agency/accounts'
import { createUserInScope, disableUserInScope, listUsersInScope, resetPasswordInScope, unlockUserInScope } from '../../../agency/users'
import type { AgencyRouteOptions } from '../options'
import { agencyRoute } from '../../../agency/http/route'

export const userRoutes: FastifyPluginAsync<AgencyRouteOptions> = async (app, opts) => {
  const deps = agencyAuthDeps(opts.ctx, opts.auth)
  const now = () => deps.clock()

  agencyRoute(app, 'usersList', async ({ actor }) => ({ users: (await listUsersInScope(deps, actor)).map((u) => userView(u, now())) }))

  agencyRoute(app, 'usersCreate', async ({ actor, input, reply }) => {
    const { user, oneTimePassword } = await createUserInScope(deps, actor, input)
    reply.header('cache-control', 'no-store')
    return { user: userView(user, now()), oneTimePassword }
  })

  agencyRoute(app, 'usersUnlock', async ({ actor, params }) => ({ user: userView(await unlockUserInScope(deps, actor, params.userId), now()) }))

  agencyRoute(app, 'usersDisable', async ({ actor, params }) => ({ user: userView(await disableUserInScope(deps, actor, params.userId), now()) }))

  agencyRoute(app, 'usersResetPassword', async ({ actor, params, input, reply }) => {
    const { user, oneTimePassword } = await resetPasswordInScope(deps, actor, params.userId, input.resetTotp)
    reply.header('cache-control', 'no-store')
    return { user: userView(user, now()), oneTimePassword }
  })
}
