import type { FastifyPluginAsync } from 'fastify'
import { route } from '../../http/endpoint'
import { recordsOf } from '../../services/records'
import type { RouteOptions } from '../options'

export const recordRoutes: FastifyPluginAsync<RouteOptions> = async (app, { ctx }) => {
  // A malformed relativeId gets exactly the answer of an unknown one (404 RELATIVE_NOT_FOUND, no field).
  route(app, 'listRecords', (body) => recordsOf(ctx, body.caller, body.limit, body.before, body.relativeId))
}
