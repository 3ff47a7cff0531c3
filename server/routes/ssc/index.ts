import type { FastifyPluginAsync } from 'fastify'
import { BackendLocalSscAuthorizeSchema } from '../../../src/core/contracts/binding'
import { HttpError } from '../../http/errors'
import { parseBody } from '../../http/validate'
import { localAuthorize } from '../../services/ssc-local'
import { LocalSscAuth } from '../../ssc/local'
import type { RouteOptions } from '../options'

/** Local stand-in for the national 电子社保卡 app. Refused in production and with the national adapter. */
export const sscRoutes: FastifyPluginAsync<RouteOptions> = async (app, { ctx, production }) => {
  app.post('/ssc/local-authorize', async (req) => {
    if (production || !(ctx.ssc instanceof LocalSscAuth)) throw new HttpError('FORBIDDEN_IN_PRODUCTION')
    return localAuthorize(ctx, ctx.ssc, parseBody(BackendLocalSscAuthorizeSchema, req.body))
  })
}
