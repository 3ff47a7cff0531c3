/**
 * Every failure leaves as {error:{code,message,field?}} with a 4xx/5xx status and no stack trace.
 * Fastify's own errors (body too large, bad JSON, wrong content type, a body cut off) get stable
 * codes too (framework-errors.ts); errors raised before routing go through Fastify's frameworkErrors
 * option, set in app.ts.
 */
import type { FastifyError, FastifyInstance } from 'fastify'
import { appError, DomainError } from '../../src/core/errors'
import { classifyFrameworkError } from './framework-errors'

export function installErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError, req, reply) => {
    if (err instanceof DomainError) {
      req.log.info({ code: err.code, field: err.body.field }, 'request refused')
      return reply.code(err.statusCode).send({ error: err.body })
    }
    const { status, code } = classifyFrameworkError(err)
    if (status >= 500) req.log.error({ err }, 'request failed')
    else req.log.info({ code, fastifyCode: err.code }, 'request refused')
    return reply.code(status).send({ error: appError(code) })
  })
  app.setNotFoundHandler((_req, reply) => reply.code(404).send({ error: appError('NOT_FOUND') }))
}
