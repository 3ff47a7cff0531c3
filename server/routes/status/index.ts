import type { FastifyPluginAsync } from 'fastify'
import { BackendCallerOnlySchema } from '../../../src/core/contracts/binding'
import { parseBody } from '../../http/validate'
import { statusOf } from '../../services/status'
import type { RouteOptions } from '../options'

export const statusRoutes: FastifyPluginAsync<RouteOptions> = async (app, { ctx }) => {
  app.post('/status', async (req) => statusOf(ctx, parseBody(BackendCallerOnlySchema, req.body).caller))
}
