/**
 * The agency console's API, registered under /agency/api. The session plugin runs first and sets
 * req.agencySession; each resource registers its routes with agencyRoute() from its declaration.
 * Add a resource: its folder here with an index.ts plugin, and one register line below.
 */
import type { FastifyPluginAsync } from 'fastify'
import type { AgencyRouteOptions } from './options'

export const agencyApi: FastifyPluginAsync<AgencyRouteOptions> = async (api, _opts) => {
  // Until the session plugin lands every request is signed out.
  api.decorateRequest('agencySession', null)
}
