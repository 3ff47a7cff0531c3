/** 概览 and 逾期名单 (declarations in src/core/contracts/agency/overview.ts). */
import type { FastifyPluginAsync } from 'fastify'
import { agencyRoute } from '../../../agency/http/route'
import { overdueListOf, overview } from '../../../services/agency/overview'
import type { AgencyRouteOptions } from '../options'

export const overviewRoutes: FastifyPluginAsync<AgencyRouteOptions> = async (app, opts) => {
  const { ctx } = opts
  agencyRoute(app, 'overviewGet', ({ actor }) => overview(ctx, actor))
  agencyRoute(app, 'overviewOverdueList', ({ actor, input }) => overdueListOf(ctx, actor, input))
}
