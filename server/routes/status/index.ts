import type { FastifyPluginAsync } from 'fastify'
import { route } from '../../http/endpoint'
import { statusOf } from '../../services/status'
import type { RouteOptions } from '../options'

export const statusRoutes: FastifyPluginAsync<RouteOptions> = async (app, { ctx }) => {
  route(app, 'getStatus', (body) => statusOf(ctx, body.caller))
}
