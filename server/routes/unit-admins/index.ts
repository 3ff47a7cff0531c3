/** 单位专管员: POST /v1/unit-admins/claim, /status, /members (services/unit-admins.ts). */
import type { FastifyPluginAsync } from 'fastify'
import { route } from '../../http/endpoint'
import type { FamilyDeps } from '../../services/relatives-common'
import { claimUnitInvite, listUnitMembers, unitAdminStatus } from '../../services/unit-admins'
import type { RouteOptions } from '../options'

export interface UnitAdminRouteOptions extends RouteOptions {
  family: FamilyDeps
}

export const unitAdminRoutes: FastifyPluginAsync<UnitAdminRouteOptions> = async (app, { ctx, family }) => {
  route(app, 'claimUnitInvite', (body) => claimUnitInvite(ctx, body.caller, body.code))
  route(app, 'unitAdminStatus', (body) => unitAdminStatus(ctx, body.caller))
  route(app, 'listUnitMembers', (body) => listUnitMembers(ctx, family, body.caller))
}
