/** 认证查询: POST /v1/queries/status (docs/backend-api.md § 认证查询). */
import type { FastifyPluginAsync } from 'fastify'
import { route } from '../../http/endpoint'
import { queryStatus } from '../../services/status-query'
import type { RouteOptions } from '../options'

export const queryRoutes: FastifyPluginAsync<RouteOptions> = async (app, { ctx }) => {
  route(app, 'queryStatus', (body) => queryStatus(ctx, body))
}
