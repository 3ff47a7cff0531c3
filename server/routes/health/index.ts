import type { FastifyPluginAsync } from 'fastify'
import { sql } from 'kysely'
import { HttpError } from '../../http/errors'
import type { ServiceContext } from '../../services/context'

/** GET /healthz (unsigned): the process is up and the store answers. */
export const healthRoutes: FastifyPluginAsync<{ ctx: ServiceContext }> = async (app, { ctx }) => {
  app.get('/healthz', async () => {
    try {
      await sql`select 1`.execute(ctx.db)
    } catch {
      throw new HttpError('SERVICE_UNAVAILABLE')
    }
    return { status: 'ok', store: ctx.dialect }
  })
}
