/** Printed notices: POST /v1/notices/resolve (docs/notices.md). Issuing is the CLI's job (npm run notices). */
import type { FastifyPluginAsync } from 'fastify'
import { route } from '../../http/endpoint'
import { resolveNotice } from '../../services/notices'
import type { RouteOptions } from '../options'

export const noticeRoutes: FastifyPluginAsync<RouteOptions> = async (app, { ctx }) => {
  route(app, 'resolveNotice', (body) => resolveNotice(ctx, body.caller, body.code))
}
