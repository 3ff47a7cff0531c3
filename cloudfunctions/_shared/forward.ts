/**
 * The cloud-function side of an endpoint that only validates, adds the caller and forwards: its
 * event schema and backend route come from the endpoint table, so such an endpoint has no code here.
 */
import { ENDPOINTS, schemaFor, type ApiName, type EndpointName } from '../../src/core/contracts/endpoints'
import type { CloudFunctions } from '../../src/core/contracts/functions'
import { defineHandler } from './handler-kit'
import type { BackendRoute, Handler } from './ports'
import { parseEvent } from './validate'

/** Endpoints with both a client event and a backend route of their own. */
type Forwardable = { [N in ApiName]: (typeof ENDPOINTS)[N] extends { event: unknown; route: `/v1/${string}` } ? N : never }[ApiName]

export function forward<N extends Forwardable>(name: N): Handler<CloudFunctions[N]['answer']>
export function forward(name: ApiName): Handler<unknown>
export function forward(name: ApiName): Handler<unknown> {
  const spec = ENDPOINTS[name as EndpointName] as { event?: Parameters<typeof schemaFor>[0]; route: BackendRoute | null }
  // An endpoint without its own route or event needs a handler of its own (api/custom/).
  if (!spec.event || !spec.route) throw new Error(`${name}: no event schema and route to forward; give it a handler in cloudfunctions/api/custom/`)
  const { event: schema, route } = spec as { event: Parameters<typeof schemaFor>[0]; route: BackendRoute }
  return defineHandler<unknown>(name, async (event, { backend }, caller) => {
    const parsed = parseEvent(schemaFor(schema, event ?? {}), event)
    if (!parsed.ok) return parsed
    // Keys the schema left undefined are dropped by JSON, as the hand-written handlers did.
    return backend.post(route, { caller, ...(parsed.data as Record<string, unknown>) })
  })
}
