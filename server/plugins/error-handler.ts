/**
 * Every failure leaves as {error:{code,message,field?}} with a 4xx/5xx status and no stack trace.
 * Fastify's own errors (body too large, bad JSON, wrong content type) get stable codes too.
 */
import type { FastifyError, FastifyInstance } from 'fastify'
import { appError, type ErrorCode } from '../../src/core/errors'
import { HttpError } from '../http/errors'

function classify(err: FastifyError): { status: number; code: ErrorCode } {
  if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE' || err.statusCode === 413) return { status: 413, code: 'PAYLOAD_TOO_LARGE' }
  if (err.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE' || err.statusCode === 415) return { status: 415, code: 'BAD_REQUEST' }
  if (err.statusCode === 429) return { status: 429, code: 'RATE_LIMITED' }
  if (err.statusCode === 404) return { status: 404, code: 'NOT_FOUND' }
  if (err.statusCode === 503) return { status: 503, code: 'SERVICE_UNAVAILABLE' }
  if (err.statusCode !== undefined && err.statusCode >= 400 && err.statusCode < 500) return { status: err.statusCode, code: 'BAD_REQUEST' }
  return { status: 500, code: 'INTERNAL' }
}

export function installErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError, req, reply) => {
    if (err instanceof HttpError) {
      req.log.info({ code: err.code, field: err.body.field }, 'request refused')
      return reply.code(err.statusCode).send({ error: err.body })
    }
    const { status, code } = classify(err)
    if (status >= 500) req.log.error({ err }, 'request failed')
    else req.log.info({ code, fastifyCode: err.code }, 'request refused')
    return reply.code(status).send({ error: appError(code) })
  })
  app.setNotFoundHandler((_req, reply) => reply.code(404).send({ error: appError('NOT_FOUND') }))
}
