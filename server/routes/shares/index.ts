/** Share cards: POST /v1/shares/create, /open, /revoke (docs/backend-api.md § share cards). */
import type { FastifyPluginAsync } from 'fastify'
import { route } from '../../http/endpoint'
import type { FamilyDeps } from '../../services/relatives-common'
import { createShare, openShare, revokeShare } from '../../services/shares'
import type { RouteOptions } from '../options'

export interface ShareRouteOptions extends RouteOptions {
  family: FamilyDeps
}

export const shareRoutes: FastifyPluginAsync<ShareRouteOptions> = async (app, { ctx, family }) => {
  route(app, 'createShare', (body) => createShare(ctx, family, body.caller, body.relativeId))
  route(app, 'openShare', (body) => openShare(ctx, family, body.caller, body.token))
  route(app, 'revokeShare', (body) => revokeShare(ctx, family, body.caller, 'token' in body ? { token: body.token } : { relativeId: body.relativeId }))
}
