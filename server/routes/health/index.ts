import type { FastifyPluginAsync } from 'fastify'
import { sql } from 'kysely'
import { DomainError } from '../../../src/core/errors'
import type { ServiceContext } from '../../services/context'

/** A store that does not answer within this is "not ready" (a PostgreSQL connect can otherwise wait for ever). */
export const READY_TIMEOUT_MS = 2000

async function storeAnswers(ctx: ServiceContext, timeoutMs: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined
  const late = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs)
  })
  try {
    return await Promise.race([sql`select 1`.execute(ctx.db).then(() => true as const), late])
  } catch {
    return false
  } finally {
    clearTimeout(timer)
  }
}

/**
 * Probes for load balancers and orchestrators, unsigned and outside the per-caller rate limit (a
 * balancer probes from one address many times a minute):
 * - GET /healthz (liveness): the process answers. Never touches the store and is not shed under
 *   load, so a busy instance is not restarted for being busy.
 * - GET /readyz (readiness): the store answers within READY_TIMEOUT_MS; shed with 503 under load like
 *   any request, which is what takes an overloaded instance out of rotation.
 */
export const healthRoutes: FastifyPluginAsync<{ ctx: ServiceContext; readyTimeoutMs?: number }> = async (app, { ctx, readyTimeoutMs }) => {
  app.get('/healthz', { config: { rateLimit: false, pressureHandler: () => undefined } }, async (_req, reply) => {
    reply.header('cache-control', 'no-store')
    return { status: 'ok', store: ctx.dialect }
  })
  app.get('/readyz', { config: { rateLimit: false } }, async (_req, reply) => {
    reply.header('cache-control', 'no-store')
    if (!(await storeAnswers(ctx, readyTimeoutMs ?? READY_TIMEOUT_MS))) throw new DomainError('SERVICE_UNAVAILABLE')
    return { status: 'ready', store: ctx.dialect }
  })
}
