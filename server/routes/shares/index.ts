/** Share cards: POST /v1/shares/create, /open, /revoke (docs/backend-api.md § share cards). */
import type { FastifyPluginAsync } from 'fastify'
import { backendRevokeShareSchemaFor, BackendCreateShareSchema, BackendShareTokenSchema } from '../../../src/core/contracts/share'
import { parseFamilyBody, type FamilyDeps } from '../../services/relatives-common'
import { createShare, openShare, revokeShare } from '../../services/shares'
import type { RouteOptions } from '../options'

export interface ShareRouteOptions extends RouteOptions {
  family: FamilyDeps
}

export const shareRoutes: FastifyPluginAsync<ShareRouteOptions> = async (app, { ctx, family }) => {
  app.post('/shares/create', async (req) => {
    const body = parseFamilyBody(BackendCreateShareSchema, req.body)
    return createShare(ctx, family, body.caller, body.relativeId)
  })
  app.post('/shares/open', async (req) => {
    const body = parseFamilyBody(BackendShareTokenSchema, req.body)
    return openShare(ctx, family, body.caller, body.token)
  })
  app.post('/shares/revoke', async (req) => {
    const body = parseFamilyBody(backendRevokeShareSchemaFor(req.body), req.body)
    return revokeShare(ctx, family, body.caller, 'token' in body ? { token: body.token } : { relativeId: body.relativeId })
  })
}
