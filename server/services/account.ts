/** Login: make sure the account exists and say whether (and to whom, masked) it is bound. */
import type { Caller } from '../../src/core/contracts/common'
import type { LoginView } from '../../src/core/contracts/views'
import { ensureAccount } from '../repositories/accounts'
import { activeSelfBindingOfAccount } from '../repositories/bindings'
import { findPersonById } from '../repositories/persons'
import type { PersonRow } from '../repositories/types'
import type { ServiceContext } from './context'
import { maskedPerson } from './views'

/** The account's id and the person it is bound to as 本人, if any. */
export async function accountAndPerson(ctx: ServiceContext, caller: Caller): Promise<{ accountId: string; person?: PersonRow }> {
  const accountId = await ensureAccount(ctx.db, caller, ctx.clock().toISOString())
  const binding = await activeSelfBindingOfAccount(ctx.db, accountId)
  const person = binding ? await findPersonById(ctx.db, binding.person_id) : undefined
  return { accountId, person }
}

export async function login(ctx: ServiceContext, caller: Caller): Promise<LoginView> {
  const { person } = await accountAndPerson(ctx, caller)
  return person ? { bound: true, person: maskedPerson(person) } : { bound: false }
}
