/** 家人: POST /v1/relatives/add, /list, /remove (docs/backend-api.md § 家人). */
import type { FastifyPluginAsync } from 'fastify'
import { route } from '../../http/endpoint'
import { addRelative, listRelatives, removeRelative } from '../../services/relatives'
import type { RouteOptions } from '../options'

export const relativeRoutes: FastifyPluginAsync<RouteOptions> = async (app, { ctx }) => {
  route(app, 'addRelative', (body) => addRelative(ctx, body))
  route(app, 'listRelatives', (body) => listRelatives(ctx, body.caller))
  route(app, 'removeRelative', (body) => removeRelative(ctx, body.caller, body.relativeId))
}
