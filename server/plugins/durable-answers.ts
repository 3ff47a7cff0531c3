/**
 * Every answer leaves only once the commits made before it are on disk (server/db/durable-commits.ts).
 * The wait is for a sync on libuv's thread pool, never on the event loop; with nothing unsynced there
 * is no wait. If the disk refuses the sync, what was committed cannot be promised: the caller gets
 * SERVICE_UNAVAILABLE instead of the answer and tries again (every write here is safe to repeat).
 */
import type { FastifyInstance } from 'fastify'
import { appError } from '../../src/core/errors'
import type { DurableCommits } from '../db/durable-commits'

export function installDurableAnswers(app: FastifyInstance, durable: DurableCommits): void {
  app.addHook('onSend', (request, reply, payload, done) => {
    const settled = durable.settled()
    if (!settled) return done(null, payload)
    settled.then(
      () => done(null, payload),
      (err: unknown) => {
        request.log.error({ err }, 'WAL sync failed: answer withheld')
        if (payload && typeof (payload as { destroy?: unknown }).destroy === 'function') (payload as { destroy(): void }).destroy()
        reply.code(503).header('content-type', 'application/json; charset=utf-8')
        done(null, JSON.stringify({ error: appError('SERVICE_UNAVAILABLE') }))
      },
    )
  })
}
