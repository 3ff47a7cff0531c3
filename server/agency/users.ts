/**
 * Account management by a 管理员, always inside the admin's own region: the region prefix goes into
 * every query, and a user outside it is answered exactly like an unknown one.
 */
import { DomainError } from '../../src/core/errors'
import { appendAudit } from '../repositories/audit'
import { revokeAgencyUserSessions } from '../repositories/agency/sessions'
import { clearAgencyFailures, clearAgencyTotp, disableAgencyUser, findAgencyUserInScope, listAgencyUsersInScope, type AgencyUserRow } from '../repositories/agency/users'
import { createAgencyUser, resetAgencyPassword, type AgencyAuthDeps, type NewAgencyUser } from './accounts'
import type { AgencyActor } from './actor'

export function listUsersInScope(deps: AgencyAuthDeps, actor: AgencyActor): Promise<AgencyUserRow[]> {
  return listAgencyUsersInScope(deps.db, actor.regionPrefix)
}

export async function createUserInScope(deps: AgencyAuthDeps, actor: AgencyActor, input: Omit<NewAgencyUser, 'createdBy'>): Promise<{ user: AgencyUserRow; oneTimePassword: string }> {
  if (!input.regionPrefix.startsWith(actor.regionPrefix)) throw new DomainError('AGENCY_REGION_INVALID', { field: 'regionPrefix' })
  return createAgencyUser(deps, { ...input, createdBy: actor.userId })
}

async function inScope(deps: AgencyAuthDeps, actor: AgencyActor, userId: string): Promise<AgencyUserRow> {
  const user = await findAgencyUserInScope(deps.db, userId, actor.regionPrefix)
  if (!user) throw new DomainError('AGENCY_USER_NOT_FOUND')
  return user
}

export async function unlockUserInScope(deps: AgencyAuthDeps, actor: AgencyActor, userId: string): Promise<AgencyUserRow> {
  const user = await inScope(deps, actor, userId)
  const now = deps.clock().toISOString()
  await clearAgencyFailures(deps.db, user.id, now)
  await appendAudit(deps.db, { at: now, actorType: 'agency', actorRef: actor.userId, action: 'agency.user.unlocked', detail: { userId: user.id } })
  return (await inScope(deps, actor, userId))
}

export async function disableUserInScope(deps: AgencyAuthDeps, actor: AgencyActor, userId: string): Promise<AgencyUserRow> {
  if (userId === actor.userId) throw new DomainError('AGENCY_USER_SELF')
  const user = await inScope(deps, actor, userId)
  const now = deps.clock().toISOString()
  if (user.disabled_at === null) {
    await disableAgencyUser(deps.db, user.id, now)
    await revokeAgencyUserSessions(deps.db, user.id, now)
    await appendAudit(deps.db, { at: now, actorType: 'agency', actorRef: actor.userId, action: 'agency.user.disabled', detail: { userId: user.id } })
  }
  return (await inScope(deps, actor, userId))
}

/** A new one-time password for a user in scope (their sessions end); resetTotp: they enrol again. */
export async function resetPasswordInScope(deps: AgencyAuthDeps, actor: AgencyActor, userId: string, resetTotp: boolean): Promise<{ user: AgencyUserRow; oneTimePassword: string }> {
  const user = await inScope(deps, actor, userId)
  const oneTimePassword = await resetAgencyPassword(deps, user, actor.userId)
  const now = deps.clock().toISOString()
  await revokeAgencyUserSessions(deps.db, user.id, now)
  if (resetTotp) {
    await clearAgencyTotp(deps.db, user.id, now)
    await appendAudit(deps.db, { at: now, actorType: 'agency', actorRef: actor.userId, action: 'agency.user.totp_reset', detail: { userId: user.id } })
  }
  return { user: await inScope(deps, actor, userId), oneTimePassword }
}
