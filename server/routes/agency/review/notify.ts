/**
 * After an agency decision or offline record has committed: queue the result notices to the person
 * and linked relatives (opts.afterRecord). The record stands whatever happens here; a failure is
 * logged and the next daily sweep queues what was missed.
 */
import type { FastifyRequest } from 'fastify'
import type { AgencyRouteOptions } from '../options'

export async function notifyAfter(opts: AgencyRouteOptions, req: FastifyRequest, recordId: string): Promise<void> {
  try {
    await opts.afterRecord(recordId)
  } catch (err) {
    req.log.error({ err, recordId }, 'result notices not queued')
  }
}
