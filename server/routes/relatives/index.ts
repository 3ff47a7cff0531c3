/** 家人: POST /v1/relatives/add, /list, /remove (docs/backend-api.md § 家人). */
import type { FastifyPluginAsync } from 'fastify'
import { BackendCallerOnlySchema } from '../../../src/core/contracts/binding'
import { BackendAddRelativeSchema, BackendRelativeRefSchema } from '../../../src/core/contracts/family'
import { addRelative, listRelatives, removeRelative } from '../../services/relatives'
import { parseFamilyBody } from '../../services/relatives-common'
import type { RouteOptions } from '../options'

export const relativeRoutes: FastifyPluginAsync<RouteOptions> = async (app, { ctx }) => {
  app.post('/relatives/add', async (req) => addRelative(ctx, parseFamilyBody(BackendAddRelativeSchema, req.body)))
  app.post('/relatives/list', async (req) => listRelatives(ctx, parseFamilyBody(BackendCallerOnlySchema, req.body).caller))
  app.post('/relatives/remove', async (req) => {
    const body = parseFamilyBody(BackendRelativeRefSchema, req.body)
    return removeRelative(ctx, body.caller, body.relativeId)
  })
}
