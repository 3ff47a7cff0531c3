/** 人工审核 routes: queue, detail, approve, reject (REVIEW_ROLES; declared in src/core/contracts/agency/review.ts). */
import type { FastifyPluginAsync } from 'fastify'
import { agencyRoute } from '../../../agency/http/route'
import { decideReview, reviewDetail, reviewQueue } from '../../../services/agency/review'
import type { AgencyRouteOptions } from '../options'
import { notifyAfter } from './notify'

export const reviewRoutes: FastifyPluginAsync<AgencyRouteOptions> = async (app, opts) => {
  const { ctx } = opts
  agencyRoute(app, 'reviewQueue', async ({ actor, input }) => reviewQueue(ctx, actor, input))
  agencyRoute(app, 'reviewDetail', async ({ actor, params }) => reviewDetail(ctx, actor, params.recordId))
  agencyRoute(app, 'reviewApprove', async ({ actor, params, input, req }) => {
    const answer = await decideReview(ctx, actor, params.recordId, { kind: 'approve', note: input.note })
    await notifyAfter(opts, req, answer.recordId)
    return answer
  })
  agencyRoute(app, 'reviewReject', async ({ actor, params, input, req }) => {
    const answer = await decideReview(ctx, actor, params.recordId, { kind: 'reject', reason: input.reason, note: input.note })
    await notifyAfter(opts, req, answer.recordId)
    return answer
  })
}
