/** Printed notices: POST /v1/notices/resolve (docs/notices.md). Issuing is the CLI's job (npm run notices). */
import type { FastifyPluginAsync } from 'fastify'
import { BackendNoticeCodeSchema } from '../../../src/core/contracts/notices'
import { resolveNotice } from '../../services/notices'
import { parseFamilyBody } from '../../services/relatives-common'
import type { RouteOptions } from '../options'

export const noticeRoutes: FastifyPluginAsync<RouteOptions> = async (app, { ctx }) => {
  app.post('/notices/resolve', async (req) => {
    const body = parseFamilyBody(BackendNoticeCodeSchema, req.body)
    return resolveNotice(ctx, body.caller, body.code)
  })
}
