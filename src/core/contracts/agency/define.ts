/**
 * How an agency-console endpoint is declared: once, here in src/core/contracts/agency/, with its
 * method, path under /agency/api, the roles that may call it, its input and answer schemas. The
 * backend registers the route from the declaration (server/agency/http/route.ts) and the console's
 * typed client (console/src/api/) calls it by name, so the two cannot drift apart.
 */
import type * as v from 'valibot'

/** 经办员 records and looks up; 审核员 also decides reviews; 管理员 also manages users and units. */
export const AGENCY_ROLES = ['clerk', 'reviewer', 'admin'] as const
export type AgencyRole = (typeof AGENCY_ROLES)[number]
export const AGENCY_ROLE_LABELS: Record<AgencyRole, string> = { clerk: '经办员', reviewer: '审核员', admin: '管理员' }

/** Every role (a read any signed-in agency user may make). */
export const ANY_AGENCY_ROLE: readonly AgencyRole[] = AGENCY_ROLES
/** Roles that may decide a pending certification. */
export const REVIEW_ROLES: readonly AgencyRole[] = ['reviewer', 'admin']

export interface AgencyEndpointSpec {
  method: 'GET' | 'POST'
  /** Path under /agency/api, Fastify syntax for parameters: '/persons/:personId'. */
  path: string
  /** Who may call it; 'public' = no session needed (sign-in itself). */
  roles: readonly AgencyRole[] | 'public'
  /** Path parameters (all strings). */
  params?: v.GenericSchema
  /** GET: the query string; POST: the JSON body. */
  input?: v.GenericSchema
  /** The JSON answer, or 'file' for a download (the handler answers an AgencyFile). */
  answer: v.GenericSchema | 'file'
}

/** Keeps the literal types of a declaration (so names, inputs and answers stay checked). */
export function agencyEndpoints<const T extends Record<string, AgencyEndpointSpec>>(table: T): T {
  return table
}

/** A download: XLSX, CSV. */
export interface AgencyFile {
  filename: string
  contentType: string
  body: Buffer
  /** Extra headers (e.g. X-Export-Id, X-Row-Count, X-Checksum-Sha256). */
  headers?: Record<string, string>
}
