/** 单位专管员: the invitation code, the live appointment and the unit's members, as typed calls (each returns a Result). */
import type { UnitAdminStatusView, UnitMembersView } from '@/core/contracts/unit-admin'
import type { Result } from '@/core/errors'
import { callFunction } from './call-function'

export function unitAdminStatus(): Promise<Result<UnitAdminStatusView>> {
  return callFunction('unitAdminStatus', {})
}

export function claimUnitInvite(code: string): Promise<Result<UnitAdminStatusView>> {
  return callFunction('claimUnitInvite', { code })
}

export function listUnitMembers(): Promise<Result<UnitMembersView>> {
  return callFunction('listUnitMembers', {})
}
