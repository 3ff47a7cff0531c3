import type { ServiceContext } from '../services/context'

/** What every /v1 route plugin is registered with. */
export interface RouteOptions {
  ctx: ServiceContext
  production: boolean
}
