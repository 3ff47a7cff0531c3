/**
 * Registers a backend route from the endpoint table (src/core/contracts/endpoints.ts): the path, the
 * body validated once by the table's schema before the handler runs, and the table's answer schema
 * as the route's 200 response schema, so Fastify serialises the answer by it (fast-json-stringify:
 * undeclared fields are dropped, a missing required field is a server fault). Routes supply only
 * the handler.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest, RouteShorthandOptions } from 'fastify'
import * as v from 'valibot'
import { ENDPOINTS, schemaFor, type AnswerOf, type EndpointName, type Endpoints } from '../../src/core/contracts/endpoints'
import { DomainError } from '../../src/core/errors'
import { answerJsonSchema } from './answer-schema'
import { parseBody } from './validate'

/** Endpoints with a backend route of their own. */
export type RoutedName = { [N in EndpointName]: Endpoints[N]['route'] extends string ? N : never }[EndpointName]

type OutputOf<S> = S extends v.GenericSchema ? v.InferOutput<S> : S extends (payload: unknown) => infer R ? (R extends v.GenericSchema ? v.InferOutput<R> : never) : never
/** The validated body a route's handler receives (undefined for routes without a body schema). */
export type BodyOf<N extends RoutedName> = Endpoints[N] extends { body: infer S } ? OutputOf<S> : undefined

export type EndpointHandler<N extends RoutedName> = (body: BodyOf<N>, req: FastifyRequest) => Promise<AnswerOf<N>> | AnswerOf<N>

/** Registers `name` under the /v1 prefix the caller's plugin was registered with. */
export function route<N extends RoutedName>(app: FastifyInstance, name: N, handler: EndpointHandler<N>, options: RouteShorthandOptions = {}): void {
  const spec = ENDPOINTS[name] as Endpoints[RoutedName]
  const path = spec.route.replace(/^\/v1/, '')
  const body = 'body' in spec ? spec.body : undefined
  const parsed = new WeakMap<FastifyRequest, unknown>()
  // Outside production every answer is also checked in full against the valibot schema, so a
  // handler that drifts from its declaration fails in tests rather than being coerced by the
  // serialiser; production relies on the serialiser alone (one pass per answer).
  const strict = process.env.NODE_ENV !== 'production'
  app.post(
    path,
    {
      ...options,
      schema: { ...options.schema, response: { 200: answerJsonSchema(name, spec.answer) } },
      // A route's own preValidation (e.g. a refusal that does not depend on the body) runs first.
      preValidation: [
        ...hooks(options.preValidation),
        // A callback hook (a throw is answered as a rejection is): no promise per request.
        (req: FastifyRequest, _reply: FastifyReply, done: (err?: Error) => void) => {
          if (body) parsed.set(req, parseBody(schemaFor(body, req.body), req.body))
          done()
        },
      ],
      ...(strict && {
        // A callback hook, like the ones above: an async one costs a promise and a turn per answer.
        preSerialization: (_req: FastifyRequest, reply: FastifyReply, payload: unknown, done: (err: Error | null, payload?: unknown) => void) => {
          // A handler that answers something other than its declared answer is a server fault
          // (error answers pass through this hook too, with their own status and shape).
          if (reply.statusCode === 200 && !v.is(spec.answer, payload)) return done(new DomainError('INTERNAL'))
          done(null, payload)
        },
      }),
    },
    async (req) => handler(parsed.get(req) as BodyOf<N>, req),
  )
}

function hooks<H>(hook: H | H[] | undefined): H[] {
  return hook === undefined ? [] : Array.isArray(hook) ? hook : [hook]
}
