import type { FastifyPluginAsync } from 'fastify'
import { route } from '../../http/endpoint'
import { bindBySsc, bindManual, unbind } from '../../services/binding'
import type { RouteOptions } from '../options'

export const bindingRoutes: FastifyPluginAsync<RouteOptions> = async (app, { ctx }) => {
  route(app, 'bindManual', (body) => bindManual(ctx, body))
  route(app, 'bindSsc', (body) => bindBySsc(ctx, body.caller, body.authorization))
  route(app, 'unbindIdentity', (body) => unbind(ctx, body.caller))
}
