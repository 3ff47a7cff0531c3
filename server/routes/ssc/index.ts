import type { FastifyPluginAsync } from 'fastify'
import { DomainError } from '../../../src/core/errors'
import { route } from '../../http/endpoint'
import { localAuthorize } from '../../services/ssc-local'
import { LocalSscAuth } from '../../ssc/local'
import type { RouteOptions } from '../options'

/** Local stand-in for the national 电子社保卡 app. Refused in production and with the national adapter. */
export const sscRoutes: FastifyPluginAsync<RouteOptions> = async (app, { ctx, production }) => {
  route(
    app,
    'localSscAuthorize',
    (body) => localAuthorize(ctx, ctx.ssc as LocalSscAuth, body),
    // Refused after the signature check and before the body is looked at.
    {
      preValidation: async () => {
        if (production || !(ctx.ssc instanceof LocalSscAuth)) throw new DomainError('FORBIDDEN_IN_PRODUCTION')
      },
    },
  )
}
