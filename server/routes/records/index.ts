import type { FastifyPluginAsync } from 'fastify'
import { BackendRecordsSchema } from '../../../src/core/contracts/views'
import { parseBody } from '../../http/validate'
import { recordsOf } from '../../services/records'
import type { RouteOptions } from '../options'

export const recordRoutes: FastifyPluginAsync<RouteOptions> = async (app, { ctx }) => {
  app.post('/records', async (req) => {
    const body = parseBody(BackendRecordsSchema, req.body)
    return recordsOf(ctx, body.caller, body.limit, body.before)
  })
}
