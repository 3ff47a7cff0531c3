/**
 * Fastify's own failures (bad URL, bad content type, body too large, unreadable JSON, a body cut off)
 * as the project's stable codes. Shared by the backend and the local gateway, which differ only in
 * the envelope around {code, message}. Nothing from the request and no framework name ever reaches
 * the answer: Fastify's default bodies echo the URL and name error codes like FST_ERR_BAD_URL.
 */
import type { FastifyReply, FastifyRequest } from 'fastify'
import { appError, type AppError, type ErrorCode } from '../../src/core/errors'

/** Wraps {code, message} the way the service answers: {error} on the backend, {ok:false, error} on the gateway. */
export type ErrorEnvelope = (error: AppError) => unknown

export interface FrameworkErrorLike {
  statusCode?: number
  code?: string
}

export function classifyFrameworkError(err: FrameworkErrorLike): { status: number; code: ErrorCode } {
  const status = err.statusCode
  if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE' || status === 413) return { status: 413, code: 'PAYLOAD_TOO_LARGE' }
  if (err.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE' || status === 415) return { status: 415, code: 'BAD_REQUEST' }
  if (err.code === 'ERR_HTTP_REQUEST_TIMEOUT' || status === 408) return { status: 408, code: 'REQUEST_TIMEOUT' }
  // A body cut off by the client (connection reset mid-upload): nobody is left to read the answer.
  if (err.code === 'ECONNRESET' || err.code === 'ECONNABORTED') return { status: 400, code: 'BAD_REQUEST' }
  if (err.code === 'FST_ERR_MAX_PARAM_LENGTH' || status === 414) return { status: 414, code: 'BAD_REQUEST' }
  if (status === 429) return { status: 429, code: 'RATE_LIMITED' }
  if (status === 404) return { status: 404, code: 'NOT_FOUND' }
  if (status === 503) return { status: 503, code: 'SERVICE_UNAVAILABLE' }
  if (status !== undefined && status >= 400 && status < 500) return { status, code: 'BAD_REQUEST' }
  return { status: 500, code: 'INTERNAL' }
}

/**
 * Fastify's `frameworkErrors` option: errors raised before routing (malformed percent-encoding such
 * as /%c0%ae, an over-long path parameter) that never reach setErrorHandler.
 */
export function frameworkErrorsHandler(envelope: ErrorEnvelope) {
  return (err: FrameworkErrorLike, req: FastifyRequest, reply: FastifyReply): void => {
    const { status, code } = classifyFrameworkError(err)
    req.log.info({ code, fastifyCode: err.code }, 'request refused before routing')
    // Raised before routing, so no onSend hook adds the usual headers: set the ones that matter here.
    void reply.code(status).header('cache-control', 'no-store').header('x-content-type-options', 'nosniff').send(envelope(appError(code)))
  }
}
