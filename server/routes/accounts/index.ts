import type { FastifyPluginAsync } from 'fastify'
import { BackendCallerOnlySchema } from '../../../src/core/contracts/binding'
import { parseBody } from '../../http/validate'
import { login } from '../../services/account'
import type { RouteOptions } from '../options'

export const accountRoutes: FastifyPluginAsync<RouteOptions> = async (app, { ctx }) => {
  app.post('/accounts/login', async (req) => {
    const body = parseBody(BackendCallerOnlySchema, req.body)
    return login(ctx, body.caller)
  })
}
