/** 我要申诉 / 申请上门认证: POST /v1/appeals/file and /v1/appeals/status (src/core/contracts/appeals.ts). */
import type { FastifyPluginAsync } from 'fastify'
import { route } from '../../http/endpoint'
import { appealStatus, fileAppeal } from '../../services/appeals'
import type { RouteOptions } from '../options'

export const appealRoutes: FastifyPluginAsync<RouteOptions> = async (app, { ctx }) => {
  route(app, 'fileAppeal', (body) => fileAppeal(ctx, body))
  route(app, 'getAppeal', (body) => appealStatus(ctx, body.caller, body.relativeId))
}
