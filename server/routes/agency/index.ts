/**
 * The agency console's API, registered under /agency/api. The session plugin runs first and sets
 * req.agencySession; each resource registers its routes with agencyRoute() from its declaration.
 * Add a resource: its folder here with an index.ts plugin, and one register line below.
 */
import type { FastifyPluginAsync } from 'fastify'
import { agencyAuthDeps } from '../../agency/accounts'
import { installAgencySessions } from '../../agency/session'
import { appealsRoutes } from './appeals'
import { authRoutes } from './auth'
import { agencyExportsRoutes } from './exports'
import { offlineRoutes } from './offline'
import { overviewRoutes } from './overview'
import type { AgencyRouteOptions } from './options'
import { personRoutes } from './persons'
import { reviewRoutes } from './review'
import { agencyRosterRoutes } from './roster'
import { agencySignalsRoutes } from './signals'
import { unitAdminAgencyRoutes } from './unit-admins'
import { userRoutes } from './users'

export const agencyApi: FastifyPluginAsync<AgencyRouteOptions> = async (api, mountOpts) => {
  // The options carry the mount's own prefix; handed on, every resource would sit at /agency/api/agency/api.
  const { prefix: _mount, ...opts } = mountOpts as AgencyRouteOptions & { prefix?: string }
  installAgencySessions(api, agencyAuthDeps(opts.ctx, opts.auth))
  await api.register(authRoutes, opts)
  await api.register(userRoutes, opts)
  await api.register(reviewRoutes, opts)
  await api.register(offlineRoutes, opts)
  await api.register(personRoutes, opts)
  await api.register(agencyExportsRoutes, opts)
  await api.register(agencyRosterRoutes, opts)
  await api.register(agencySignalsRoutes, opts)
  await api.register(overviewRoutes, opts)
  await api.register(unitAdminAgencyRoutes, opts)
  await api.register(appealsRoutes, opts)
}
