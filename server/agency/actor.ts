/**
 * The signed-in agency user a console request acts as. Services take the actor, never the request:
 * its region prefix goes into every repository query (scope is enforced in SQL, not in the page),
 * and its id goes into every audit row (actor_type 'agency').
 */
import type { AgencyRole } from '../../src/core/contracts/agency/define'

export interface AgencyActor {
  userId: string
  username: string
  displayName: string
  role: AgencyRole
  /** 行政区划 prefix the user may see and act on: '4301' = 长沙市, '430102' = 芙蓉区, '' = the whole deployment. */
  regionPrefix: string
}

/** The session a request carries (set by the session plugin, server/agency/session.ts). */
export interface AgencySessionContext {
  sessionId: string
  actor: AgencyActor
  csrfToken: string
}

declare module 'fastify' {
  interface FastifyRequest {
    /** null: no valid agency session cookie (absent, unknown, idle or absolute expiry passed). */
    agencySession: AgencySessionContext | null
  }
}

/** True when a person's region code lies inside the actor's scope. */
export function inScope(actor: Pick<AgencyActor, 'regionPrefix'>, regionCode: string): boolean {
  return regionCode.startsWith(actor.regionPrefix)
}
