import type { FastifyPluginAsync } from 'fastify'
import { BackendRecordsSchema } from '../../../src/core/contracts/views'
import { recordsOf } from '../../services/records'
import { parseFamilyBody } from '../../services/relatives-common'
import type { RouteOptions } from '../options'

export const recordRoutes: FastifyPluginAsync<RouteOptions> = async (app, { ctx }) => {
  app.post('/records', async (req) => {
    // A malformed relativeId gets exactly the answer of an unknown one (404 RELATIVE_NOT_FOUND).
    const body = parseFamilyBody(BackendRecordsSchema, req.body)
    return recordsOf(ctx, body.caller, body.limit, body.before, body.relativeId)
  })
}
