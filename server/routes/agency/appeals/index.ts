/** The console's 申诉 queue (declared in src/core/contracts/agency/appeals.ts). */
import type { FastifyPluginAsync } from 'fastify'
import { agencyRoute } from '../../../agency/http/route'
import { appealAssignees, appealDetail, appealsQueue, assignAppeal, closeAppeal, scheduleVisit } from '../../../services/agency/appeals'
import type { AgencyRouteOptions } from '../options'
import { notifyAfter } from '../review/notify'

export const appealsRoutes: FastifyPluginAsync<AgencyRouteOptions> = async (app, opts) => {
  agencyRoute(app, 'appealsQueue', async ({ actor, input }) => appealsQueue(opts.ctx, actor, input.view))
  agencyRoute(app, 'appealDetail', async ({ actor, params }) => appealDetail(opts.ctx, actor, params.appealId))
  agencyRoute(app, 'appealAssignees', async ({ actor, params }) => appealAssignees(opts.ctx, actor, params.appealId))
  agencyRoute(app, 'appealAssign', async ({ actor, params, input }) => assignAppeal(opts.ctx, actor, params.appealId, input.assigneeId))
  agencyRoute(app, 'appealSchedule', async ({ actor, params, input }) => scheduleVisit(opts.ctx, actor, params.appealId, input.visitDate, input.staff))
  agencyRoute(app, 'appealClose', async ({ actor, params, input, req }) => {
    const out = await closeAppeal(opts.ctx, actor, params.appealId, input)
    // The 认证通过 result notice of the new record, like any offline record.
    if (out.recordId && out.newRecord) await notifyAfter(opts, req, out.recordId)
    return out.detail
  })
}
