/**
 * The cloud-function side of an endpoint that only validates, adds the caller and forwards: its
 * event schema, backend route, GB 11643 check and local-only refusal come from the endpoint table,
 * so such an endpoint has no code here.
 */
import { ENDPOINTS, schemaFor, type ApiName, type EndpointName, type EndpointSpec } from '../../src/core/contracts/endpoints'
import { fail } from '../../src/core/errors'
import type { CloudFunctions } from '../../src/core/contracts/functions'
import { defineHandler } from './handler-kit'
import type { BackendRoute, Handler } from './ports'
import { checkIdNumber, parseEvent } from './validate'

/** Endpoints with both a client event and a backend route of their own. */
type Forwardable = { [N in ApiName]: (typeof ENDPOINTS)[N] extends { event: unknown; route: `/v1/${string}` } ? N : never }[ApiName]

export function forward<N extends Forwardable>(name: N): Handler<CloudFunctions[N]['answer']>
export function forward(name: ApiName): Handler<unknown>
export function forward(name: ApiName): Handler<unknown> {
  const spec = ENDPOINTS[name as EndpointName] as EndpointSpec
  // An endpoint without its own route or event needs a handler of its own (api/custom/).
  if (!spec.event || !spec.route) throw new Error(`${name}: no event schema and route to forward; give it a handler in cloudfunctions/api/custom/`)
  const { event: schema, route } = spec as EndpointSpec & { event: NonNullable<EndpointSpec['event']>; route: BackendRoute }
  return defineHandler<unknown>(name, async (event, { backend, clock, production }, caller) => {
    if (spec.localOnly && production) return fail('FORBIDDEN_IN_PRODUCTION')
    const parsed = parseEvent(schemaFor(schema, event ?? {}), event)
    if (!parsed.ok) return parsed
    const data = parsed.data as Record<string, unknown>
    if (spec.checksIdNumber) {
      const id = checkIdNumber(data.idNumber as string, clock.now())
      if (!id.ok) return id
      data.idNumber = id.data
    }
    // Keys the schema left undefined are dropped by JSON, as the hand-written handlers did.
    return backend.post(route, { caller, ...data })
  })
}
