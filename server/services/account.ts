/** Login: make sure the account exists and say whether (and to whom, masked) it is bound. */
import type { Caller } from '../../src/core/contracts/common'
import type { LoginView } from '../../src/core/contracts/views'
import { accountWithSelfPerson, ensureAccount, lastSeenIsFresh, touchLastSeen } from '../repositories/accounts'
import { accountSelfStatus, type AccountStatusRead } from '../repositories/status-read'
import type { Db, PersonRow } from '../repositories/types'
import type { ServiceContext } from './context'
import { maskedPerson } from './views'

/** The account's id and the person it is bound to as 本人, if any. `now`: the request's time (ISO), when the caller has it already. */
export async function accountAndPerson(ctx: ServiceContext, caller: Caller, now = ctx.clock().toISOString()): Promise<{ accountId: string; person?: PersonRow }> {
  const { accountId, found } = await seenAccount(ctx, caller, now, accountWithSelfPerson)
  return { accountId, person: found?.person }
}

/** The same, with the person's latest records read in the same statement (a status read). */
export async function accountPersonAndRecords(ctx: ServiceContext, caller: Caller, now: string): Promise<{ accountId: string; self?: AccountStatusRead['self'] }> {
  const { accountId, found } = await seenAccount(ctx, caller, now, accountSelfStatus)
  return { accountId, self: found?.self }
}

/** What `read` found with the account, the account created on first sight and its last_seen_at touched when due. */
async function seenAccount<T extends { id: string; lastSeenAt: string }>(ctx: ServiceContext, caller: Caller, now: string, read: (db: Db, caller: Caller) => Promise<T | undefined>): Promise<{ accountId: string; found?: T }> {
  const found = await read(ctx.db, caller)
  // First sight: a new account is bound to nobody yet.
  if (!found) return { accountId: await ensureAccount(ctx.db, caller, now) }
  if (!lastSeenIsFresh(found.lastSeenAt, now)) await touchLastSeen(ctx.db, found.id, found.lastSeenAt, now)
  return { accountId: found.id, found }
}

export async function login(ctx: ServiceContext, caller: Caller): Promise<LoginView> {
  const { person } = await accountAndPerson(ctx, caller)
  return person ? { bound: true, person: maskedPerson(person) } : { bound: false }
}
