/**
 * Agency sign-in settings (AGENCY_*), read by loadConfig (server/config/env.ts). Names, defaults
 * and meaning: the one table in server/config/variables.ts (docs/configuration.md).
 */
import { bilingual, readInt, type Env } from '../config/read-env'
export interface AgencyAuthConfig {
  /** A session unused this long is signed out. */
  idleMinutes: number
  /** A session ends this long after sign-in, however active. */
  absoluteHours: number
  /** Wrong passwords or codes in a row before the account is locked. */
  lockoutFailures: number
  lockoutMinutes: number
}

export const DEFAULT_AGENCY_AUTH: AgencyAuthConfig = { idleMinutes: 30, absoluteHours: 12, lockoutFailures: 5, lockoutMinutes: 15 }

export function readAgencyAuthConfig(env: Env, problems: string[]): AgencyAuthConfig {
  const c: AgencyAuthConfig = {
    idleMinutes: readInt(env, 'AGENCY_SESSION_IDLE_MINUTES', 1, 24 * 60, DEFAULT_AGENCY_AUTH.idleMinutes, problems),
    absoluteHours: readInt(env, 'AGENCY_SESSION_MAX_HOURS', 1, 7 * 24, DEFAULT_AGENCY_AUTH.absoluteHours, problems),
    lockoutFailures: readInt(env, 'AGENCY_LOCKOUT_FAILURES', 3, 100, DEFAULT_AGENCY_AUTH.lockoutFailures, problems),
    lockoutMinutes: readInt(env, 'AGENCY_LOCKOUT_MINUTES', 1, 24 * 60, DEFAULT_AGENCY_AUTH.lockoutMinutes, problems),
  }
  if (c.idleMinutes > c.absoluteHours * 60) {
    problems.push(bilingual('AGENCY_SESSION_IDLE_MINUTES 不能超过 AGENCY_SESSION_MAX_HOURS', 'AGENCY_SESSION_IDLE_MINUTES must not exceed AGENCY_SESSION_MAX_HOURS'))
  }
  return c
}
