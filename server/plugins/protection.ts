/** helmet, a global per-caller rate limit and load shedding (under-pressure). */
import helmet from '@fastify/helmet'
import rateLimit from '@fastify/rate-limit'
import underPressure from '@fastify/under-pressure'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { appError, DomainError } from '../../src/core/errors'

export interface ProtectionOptions {
  /** Requests per caller per window (default 300 per minute). */
  rateLimitMax?: number
  rateLimitWindowMs?: number
  /** Shed load (503) when the event loop lags more than this (default 1000 ms). */
  maxEventLoopDelayMs?: number
  /** Also shed load above this heap size (default: no heap limit). */
  maxHeapUsedBytes?: number
}

/**
 * All requests arrive from cloud functions or the gateway (few IPs), so the limit is keyed by the
 * signed caller identity in the body, and applied after the signature check has parsed it.
 */
function callerKey(req: FastifyRequest): string {
  const caller = (req.body as { caller?: { platform?: unknown; openid?: unknown } } | undefined)?.caller
  if (caller && typeof caller.openid === 'string' && typeof caller.platform === 'string') return `caller:${caller.platform}:${caller.openid}`
  return `ip:${req.ip}`
}

export async function registerProtection(app: FastifyInstance, opts: ProtectionOptions = {}): Promise<void> {
  await app.register(helmet, { global: true })
  await app.register(underPressure, {
    maxEventLoopDelay: opts.maxEventLoopDelayMs ?? 1000,
    ...(opts.maxHeapUsedBytes !== undefined ? { maxHeapUsedBytes: opts.maxHeapUsedBytes } : {}),
    exposeStatusRoute: false,
    pressureHandler: (_req, reply) => {
      void reply.code(503).send({ error: appError('SERVICE_UNAVAILABLE') })
    },
  })
  await app.register(rateLimit, {
    global: true,
    hook: 'preHandler',
    max: opts.rateLimitMax ?? 300,
    timeWindow: opts.rateLimitWindowMs ?? 60_000,
    keyGenerator: callerKey,
    errorResponseBuilder: () => new DomainError('RATE_LIMITED'),
  })
}
