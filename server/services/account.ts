/** Login: make sure the account exists and say whether (and to whom, masked) it is bound. */
import type { Caller } from '../../src/core/contracts/common'
import type { LoginView } from '../../src/core/contracts/views'
import { accountWithSelfPerson, ensureAccount, lastSeenIsFresh, touchLastSeen } from '../repositories/accounts'
import type { PersonRow } from '../repositories/types'
import type { ServiceContext } from './context'
import { maskedPerson } from './views'

/** The account's id and the person it is bound to as 本人, if any. `now`: the request's time (ISO), when the caller has it already. */
export async function accountAndPerson(ctx: ServiceContext, caller: Caller, now = ctx.clock().toISOString()): Promise<{ accountId: string; person?: PersonRow }> {
  const found = await accountWithSelfPerson(ctx.db, caller)
  // First sight: a new account is bound to nobody yet.
  if (!found) return { accountId: await ensureAccount(ctx.db, caller, now) }
  if (!lastSeenIsFresh(found.lastSeenAt, now)) await touchLastSeen(ctx.db, found.id, found.lastSeenAt, now)
  return { accountId: found.id, person: found.person }
}

export async function login(ctx: ServiceContext, caller: Caller): Promise<LoginView> {
  const { person } = await accountAndPerson(ctx, caller)
  return person ? { bound: true, person: maskedPerson(person) } : { bound: false }
}
