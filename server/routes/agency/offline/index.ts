/** 线下认证登记 route (any agency role; declared in src/core/contracts/agency/offline.ts). */
import type { FastifyPluginAsync } from 'fastify'
import { agencyRoute } from '../../../agency/http/route'
import { recordOffline } from '../../../services/agency/offline'
import type { AgencyRouteOptions } from '../options'
import { notifyAfter } from '../review/notify'

export const offlineRoutes: FastifyPluginAsync<AgencyRouteOptions> = async (app, opts) => {
  agencyRoute(app, 'offlineRecord', async ({ actor, input, req }) => {
    const answer = await recordOffline(opts.ctx, actor, input)
    // A repeated request queued its notices the first time (and queueing twice adds nothing anyway).
    if (!answer.repeated) await notifyAfter(opts, req, answer.recordId)
    return answer
  })
}
