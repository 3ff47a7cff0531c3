/**
 * Applies HttpLimits (server/config/http-limits.ts) to a Fastify server and answers every
 * connection-level failure in the project's format, so a silent or slow client is closed with a 408
 * the app can read instead of holding a connection for ever.
 *
 * Three clocks act on a connection:
 * - Node's head/request timeouts (checked every connectionsCheckingInterval): the whole head or the
 *   whole request did not arrive in time → clientError ERR_HTTP_REQUEST_TIMEOUT → 408 here.
 * - the socket idle timeout: nothing arrived for idleTimeoutMs while a body was still expected → 408;
 *   an idle kept-alive connection is simply closed. A slow answer of ours is never cut off: only
 *   the client's silence is.
 * - keepAliveTimeout / maxRequestsPerSocket: how long and how often a connection is reused.
 *
 * Node's own answers without a body (a bare 503 past maxRequestsPerSocket, a bare 400 for an HTTP/1.1
 * request without Host) are replaced: the request cap closes the connection after the last answer
 * itself, and a missing Host is refused by a hook in the project's format. Fastify's own 503 while
 * closing (return503OnClosing, a fixed English body) is replaced by a hook too.
 */
import { STATUS_CODES, type IncomingMessage, type ServerResponse } from 'node:http'
import type { Socket } from 'node:net'
import type { FastifyInstance } from 'fastify'
import { appError, type ErrorCode } from '../../src/core/errors'
import type { HttpLimits } from '../config/http-limits'
import { frameworkErrorsHandler, type ErrorEnvelope } from './framework-errors'

/** Node checks head/request deadlines on an interval (30 s by default): check often enough to keep them. */
export function checkingIntervalMs(limits: HttpLimits): number {
  return Math.min(1000, Math.max(25, Math.floor(Math.min(limits.headersTimeoutMs, limits.requestTimeoutMs) / 4)))
}

interface Exchange {
  req: IncomingMessage
  res: ServerResponse
  /** Requests served on this connection so far, this one included. */
  served: number
}

interface ClientError extends Error {
  code?: string
}

export interface ConnectionGuard {
  /** Spread into Fastify({ ... }). */
  serverOptions: {
    connectionTimeout: number
    keepAliveTimeout: number
    requestTimeout: number
    return503OnClosing: false
    http: { headersTimeout: number; requestTimeout: number; keepAliveTimeout: number; connectionsCheckingInterval: number; requireHostHeader: false }
    clientErrorHandler: (err: ClientError, socket: Socket) => void
    frameworkErrors: ReturnType<typeof frameworkErrorsHandler>
  }
  /** Call once right after Fastify(): watches the server's sockets for idle clients. */
  install(app: FastifyInstance): void
}

export function connectionGuard(limits: HttpLimits, envelope: ErrorEnvelope): ConnectionGuard {
  /** The latest exchange on each connection, to tell a stalled upload from an idle kept-alive socket. */
  const exchanges = new WeakMap<Socket, Exchange>()
  let log: FastifyInstance['log'] | undefined

  const answerAndClose = (socket: Socket, status: number, code: ErrorCode) => {
    const current = exchanges.get(socket)
    // An answer already on its way (or given) must not be followed by a second one on the same request.
    const answered = current !== undefined && current.res.headersSent && (!current.req.complete || !current.res.writableFinished)
    if (!answered && socket.writable) {
      const body = JSON.stringify(envelope(appError(code)))
      socket.write(
        `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
          `Cache-Control: no-store\r\nConnection: close\r\n\r\n${body}`,
      )
    }
    socket.destroy()
  }

  const clientErrorHandler = (err: ClientError, socket: Socket) => {
    if (err.code === 'ECONNRESET' || socket.destroyed) return
    // Only the stable code is logged: the error may carry the raw bytes the client sent.
    if (err.code === 'ERR_HTTP_REQUEST_TIMEOUT') {
      log?.info({ code: 'REQUEST_TIMEOUT' }, 'client too slow: request not received in time')
      answerAndClose(socket, 408, 'REQUEST_TIMEOUT')
    } else if (err.code === 'HPE_HEADER_OVERFLOW') {
      log?.info({ code: 'BAD_REQUEST', parser: err.code }, 'request head too large')
      answerAndClose(socket, 431, 'BAD_REQUEST')
    } else {
      log?.info({ code: 'BAD_REQUEST', parser: err.code }, 'unreadable request')
      answerAndClose(socket, 400, 'BAD_REQUEST')
    }
  }

  const onIdle = (socket: Socket) => {
    const current = exchanges.get(socket)
    if (current && !current.req.complete && !current.res.headersSent) {
      log?.info({ code: 'REQUEST_TIMEOUT' }, 'client went silent in the middle of a request')
      answerAndClose(socket, 408, 'REQUEST_TIMEOUT')
      return
    }
    if (current && current.req.complete && !current.res.writableFinished) return
    socket.destroy()
  }

  return {
    serverOptions: {
      connectionTimeout: limits.idleTimeoutMs,
      keepAliveTimeout: limits.keepAliveTimeoutMs,
      requestTimeout: limits.requestTimeoutMs,
      return503OnClosing: false,
      http: {
        headersTimeout: limits.headersTimeoutMs,
        requestTimeout: limits.requestTimeoutMs,
        keepAliveTimeout: limits.keepAliveTimeoutMs,
        connectionsCheckingInterval: checkingIntervalMs(limits),
        requireHostHeader: false,
      },
      clientErrorHandler,
      frameworkErrors: frameworkErrorsHandler(envelope),
    },
    install(app) {
      log = app.log
      // Runs before Fastify's own listener, so the header is in place whatever the route answers.
      app.server.prependListener('request', (req: IncomingMessage, res: ServerResponse) => {
        const served = (exchanges.get(req.socket)?.served ?? 0) + 1
        exchanges.set(req.socket, { req, res, served })
        // "Connection: close" makes Node end the connection after this answer.
        if (limits.maxRequestsPerSocket > 0 && served >= limits.maxRequestsPerSocket) res.setHeader('connection', 'close')
      })
      // An answer given before the body arrived (401 from the signature check, 404, 413) ends the
      // connection: otherwise Node keeps it open, waiting for the rest of a body nobody will read.
      // Callback hooks here and below: every request passes them, and an async hook costs a promise and a turn each.
      app.addHook('onSend', (req, reply, payload, done) => {
        if (req.raw.complete === false) reply.header('connection', 'close')
        done(null, payload)
      })
      let closing = false
      app.addHook('preClose', async () => {
        closing = true
      })
      app.addHook('onRequest', (req, reply, done) => {
        // Requests still arriving on open connections while the server drains: the balancer should retry elsewhere.
        // An answer sent here ends the request: done() is not called then.
        if (closing) return void reply.code(503).header('connection', 'close').send(envelope(appError('SERVICE_UNAVAILABLE')))
        if (req.raw.httpVersion === '1.1' && req.headers.host === undefined) {
          return void reply.code(400).header('connection', 'close').send(envelope(appError('BAD_REQUEST')))
        }
        done()
      })
      // With a 'timeout' listener Node leaves the idle socket to us instead of destroying it silently.
      app.server.on('timeout', onIdle)
    },
  }
}
