/**
 * Registers an agency-console route from its declaration (src/core/contracts/agency/): path,
 * method, input validated by the declared schema, the declared answer as the 200 response schema,
 * and who may call it. Every non-public route needs a session; every POST also needs the
 * session's CSRF token in the X-CSRF-Token header (double submit: the console reads it from the
 * sign-in answer, never from a cookie a script could plant). Handlers get the validated input and
 * the actor, never the raw request body.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { timingSafeEqual } from 'node:crypto'
import * as v from 'valibot'
import { AGENCY_ENDPOINTS, type AgencyEndpointName, type AgencyEndpoints, type AgencyFile } from '../../../src/core/contracts/agency'
import { DomainError } from '../../../src/core/errors'
import { answerJsonSchema } from '../../http/answer-schema'
import { parseBody } from '../../http/validate'
import type { AgencyActor } from '../actor'

type Spec<N extends AgencyEndpointName> = AgencyEndpoints[N]
type Out<S> = S extends v.GenericSchema ? v.InferOutput<S> : undefined
export type AgencyInputOf<N extends AgencyEndpointName> = Spec<N> extends { input: infer S } ? Out<S> : undefined
export type AgencyParamsOf<N extends AgencyEndpointName> = Spec<N> extends { params: infer S } ? Out<S> : Record<string, never>
export type AgencyAnswerOf<N extends AgencyEndpointName> = Spec<N>['answer'] extends 'file' ? AgencyFile : Out<Spec<N>['answer']>
/** The actor: present on every route but 'public' ones. */
export type AgencyActorOf<N extends AgencyEndpointName> = Spec<N>['roles'] extends 'public' ? AgencyActor | null : AgencyActor

export interface AgencyCall<N extends AgencyEndpointName> {
  input: AgencyInputOf<N>
  params: AgencyParamsOf<N>
  actor: AgencyActorOf<N>
  req: FastifyRequest
  reply: FastifyReply
}

export type AgencyHandler<N extends AgencyEndpointName> = (call: AgencyCall<N>) => Promise<AgencyAnswerOf<N>>

export const CSRF_HEADER = 'x-csrf-token'

export function agencyRoute<N extends AgencyEndpointName>(app: FastifyInstance, name: N, handler: AgencyHandler<N>): void {
  const spec = AGENCY_ENDPOINTS[name] as unknown as import('../../../src/core/contracts/agency').AgencyEndpointSpec
  const strict = process.env.NODE_ENV !== 'production'
  const file = spec.answer === 'file'
  app.route({
    method: spec.method,
    url: spec.path,
    schema: file ? {} : { response: { 200: answerJsonSchema(`agency:${String(name)}`, spec.answer as v.GenericSchema) } },
    preValidation: async (req) => {
      authorise(req, spec)
    },
    ...(strict && !file
      ? {
          preSerialization: async (_req: FastifyRequest, reply: FastifyReply, payload: unknown) => {
            if (reply.statusCode === 200 && !v.is(spec.answer as v.GenericSchema, payload)) throw new DomainError('INTERNAL')
            return payload
          },
        }
      : {}),
    handler: async (req, reply) => {
      const raw = spec.method === 'GET' ? (req.query ?? {}) : (req.body ?? {})
      const input = spec.input ? parseBody(spec.input, raw) : undefined
      const params = spec.params ? parseBody(spec.params, req.params ?? {}) : {}
      const actor = req.agencySession?.actor ?? null
      const answer = await handler({ input, params, actor, req, reply } as AgencyCall<N>)
      if (!file) return answer
      const f = answer as AgencyFile
      reply.header('content-type', f.contentType)
      reply.header('content-disposition', `attachment; filename*=UTF-8''${encodeURIComponent(f.filename)}`)
      reply.header('cache-control', 'no-store')
      for (const [k, val] of Object.entries(f.headers ?? {})) reply.header(k, val)
      return reply.send(f.body)
    },
  })
}

function authorise(req: FastifyRequest, spec: import('../../../src/core/contracts/agency').AgencyEndpointSpec): void {
  if (spec.roles === 'public') return
  const session = req.agencySession
  if (!session) throw new DomainError('AGENCY_SIGNIN_REQUIRED')
  if (!spec.roles.includes(session.actor.role)) throw new DomainError('AGENCY_ROLE_FORBIDDEN')
  if (spec.method !== 'GET' && !csrfMatches(req.headers[CSRF_HEADER], session.csrfToken)) throw new DomainError('AGENCY_CSRF_INVALID')
}

/** The X-CSRF-Token header against the session's token (also used by the public sign-in steps that need a session). */
export function csrfMatches(sent: string | string[] | undefined, expected: string): boolean {
  if (typeof sent !== 'string' || sent.length !== expected.length) return false
  return timingSafeEqual(Buffer.from(sent), Buffer.from(expected))
}
