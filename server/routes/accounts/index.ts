import type { FastifyPluginAsync } from 'fastify'
import { route } from '../../http/endpoint'
import { login } from '../../services/account'
import type { RouteOptions } from '../options'

export const accountRoutes: FastifyPluginAsync<RouteOptions> = async (app, { ctx }) => {
  route(app, 'login', (body) => login(ctx, body.caller))
}
