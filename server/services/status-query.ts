/**
 * 认证查询: a signed-in account looks a person up by name + ID number, as the agency web sites offer.
 * Rate-limited per account (5 a minute, 20 a day, every attempt counts), same roster rules as binding
 * (PERSON_NOT_FOUND / DETAILS_MISMATCH, never which detail), masked answer, audited.
 */
import type { Caller } from '../../src/core/contracts/common'
import type { StatusQueryForm, StatusQueryView } from '../../src/core/contracts/family'
import { validateIdNumber } from '../../src/core/id-number'
import { safeEqual } from '../crypto/hmac'
import { ensureAccount } from '../repositories/accounts'
import { findPersonByIdHash } from '../repositories/persons'
import { shanghaiDate } from '../time/clock'
import type { ServiceContext } from './context'
import { idNumberHash, normaliseName } from './identity'
import { assertWithinLimit, audit, refuse } from './relatives-common'
import { personStatusView } from './status'

export const QUERY_ACTIONS = ['query.status.answered', 'query.status.failed', 'query.status.rejected_input'] as const
export const QUERY_LIMITS = [
  { actions: QUERY_ACTIONS, windowMs: 60_000, max: 5 },
  { actions: QUERY_ACTIONS, windowMs: 24 * 3600_000, max: 20 },
] as const

export async function queryStatus(ctx: ServiceContext, input: StatusQueryForm & { caller: Caller }): Promise<StatusQueryView> {
  const now = ctx.clock()
  const accountId = await ensureAccount(ctx.db, input.caller, now.toISOString())
  for (const limit of QUERY_LIMITS) await assertWithinLimit(ctx, accountId, limit, 'query.status.rate_limited')
  const id = validateIdNumber(input.idNumber, shanghaiDate(now))
  if (!id.valid) return refuse(ctx, accountId, 'query.status.rejected_input', id.reason, null, {}, 'idNumber')
  const person = await findPersonByIdHash(ctx.db, idNumberHash(ctx.pii, id.idNumber))
  if (!person) return refuse(ctx, accountId, 'query.status.failed', 'PERSON_NOT_FOUND', null)
  if (!safeEqual(normaliseName(ctx.pii.openPerson(person.pii_enc).name), normaliseName(input.name))) {
    return refuse(ctx, accountId, 'query.status.failed', 'DETAILS_MISMATCH', person.id)
  }
  const view = await personStatusView(ctx, person)
  await audit(ctx, ctx.db, accountId, 'query.status.answered', person.id, { status: view.status })
  return view
}
