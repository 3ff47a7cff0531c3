/**
 * THE agency-console endpoint table: one resource per file, merged here. Add a resource by adding
 * its file and one spread line below.
 */
import { APPEALS_ENDPOINTS } from './appeals'
import { AUTH_ENDPOINTS } from './auth'
import { agencyEndpoints } from './define'
import { EXPORTS_ENDPOINTS } from './exports'
import { OFFLINE_ENDPOINTS } from './offline'
import { OVERVIEW_ENDPOINTS } from './overview'
import { PERSONS_ENDPOINTS } from './persons'
import { REVIEW_ENDPOINTS } from './review'
import { ROSTER_ENDPOINTS } from './roster'
import { SIGNALS_ENDPOINTS } from './signals'
import { UNIT_ADMINS_ENDPOINTS } from './unit-admins'
import { USERS_ENDPOINTS } from './users'

export const AGENCY_ENDPOINTS = agencyEndpoints({
  ...REVIEW_ENDPOINTS,
  ...OFFLINE_ENDPOINTS,
  ...PERSONS_ENDPOINTS,
  ...EXPORTS_ENDPOINTS,
  ...ROSTER_ENDPOINTS,
  ...SIGNALS_ENDPOINTS,
  ...AUTH_ENDPOINTS,
  ...USERS_ENDPOINTS,
  ...OVERVIEW_ENDPOINTS,
  ...APPEALS_ENDPOINTS,
  ...UNIT_ADMINS_ENDPOINTS,
})

export type AgencyEndpoints = typeof AGENCY_ENDPOINTS
export type AgencyEndpointName = keyof AgencyEndpoints
export * from './define'
