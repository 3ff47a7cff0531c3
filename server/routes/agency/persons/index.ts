/** 人员查询 routes: search (POST: an ID number never sits in a URL) and one person's page. */
import type { FastifyPluginAsync } from 'fastify'
import { agencyRoute } from '../../../agency/http/route'
import { personDetail, searchPersonsOf } from '../../../services/agency/persons'
import type { AgencyRouteOptions } from '../options'

export const personRoutes: FastifyPluginAsync<AgencyRouteOptions> = async (app, opts) => {
  agencyRoute(app, 'personsSearch', async ({ actor, input }) => searchPersonsOf(opts.ctx, actor, input))
  agencyRoute(app, 'personDetail', async ({ actor, params }) => personDetail(opts.ctx, actor, params.personId))
}
