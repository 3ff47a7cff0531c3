/**
 * THE agency-console endpoint table: one resource per file, merged here. Add a resource by adding
 * its file and one spread line below.
 */
import { agencyEndpoints } from './define'

export const AGENCY_ENDPOINTS = agencyEndpoints({
  // ...AUTH_ENDPOINTS,
})

export type AgencyEndpoints = typeof AGENCY_ENDPOINTS
export type AgencyEndpointName = keyof AgencyEndpoints
export * from './define'
