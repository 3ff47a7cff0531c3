/** The real signed backend client, talking to an in-process app through inject() (no sockets). */
import type { FastifyInstance } from 'fastify'
import { createBackendClient } from '../../../../cloudfunctions/_shared/backend-client'
import type { BackendPort } from '../../../../cloudfunctions/_shared/ports'

export function injectBackend(app: FastifyInstance, secret: string, keyId = 'k1', now: () => Date = () => new Date()): BackendPort {
  return createBackendClient({
    baseUrl: 'http://backend.test',
    keyId,
    secret,
    clock: { now },
    log: (m) => process.env.YL_DEBUG_BACKEND && console.log(m),
    transport: async (req) => {
      const url = new URL(req.url)
      const res = await app.inject({ method: 'POST', url: url.pathname + url.search, headers: req.headers, payload: req.body })
      return { status: res.statusCode, text: res.body }
    },
  })
}
