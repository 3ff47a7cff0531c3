import type { FastifyPluginAsync } from 'fastify'
import { BackendBindManualSchema, BackendBindSscSchema, BackendCallerOnlySchema } from '../../../src/core/contracts/binding'
import { parseBody } from '../../http/validate'
import { bindBySsc, bindManual, unbind } from '../../services/binding'
import type { RouteOptions } from '../options'

export const bindingRoutes: FastifyPluginAsync<RouteOptions> = async (app, { ctx }) => {
  app.post('/bindings/manual', async (req) => bindManual(ctx, parseBody(BackendBindManualSchema, req.body)))

  app.post('/bindings/ssc', async (req) => {
    const body = parseBody(BackendBindSscSchema, req.body)
    return bindBySsc(ctx, body.caller, body.authorization)
  })

  app.post('/bindings/unbind', async (req) => unbind(ctx, parseBody(BackendCallerOnlySchema, req.body).caller))
}
