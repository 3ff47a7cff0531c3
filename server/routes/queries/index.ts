/** 认证查询: POST /v1/queries/status (docs/backend-api.md § 认证查询). */
import type { FastifyPluginAsync } from 'fastify'
import { BackendStatusQuerySchema } from '../../../src/core/contracts/family'
import { parseFamilyBody } from '../../services/relatives-common'
import { queryStatus } from '../../services/status-query'
import type { RouteOptions } from '../options'

export const queryRoutes: FastifyPluginAsync<RouteOptions> = async (app, { ctx }) => {
  app.post('/queries/status', async (req) => queryStatus(ctx, parseFamilyBody(BackendStatusQuerySchema, req.body)))
}
