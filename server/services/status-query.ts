/**
 * 认证查询: a signed-in account looks a person up by name + ID number, as the agency web sites offer.
 * Rate-limited per account (5 a minute, 20 a Beijing day, every attempt counts) and, for failed
 * checks, per ID number across all accounts (services/limits.ts); same roster rules as binding
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
import { idNumberHash, normaliseName } from '../crypto/pii-fields'
import { IdentityCheck } from './attempts'
import { QUERY_PER_DAY, QUERY_PER_MINUTE } from './limits'
import { audit, refuse } from './relatives-common'
import { personStatusView } from './status'

export async function queryStatus(ctx: ServiceContext, input: StatusQueryForm & { caller: Caller }): Promise<StatusQueryView> {
  const now = ctx.clock()
  const accountId = await ensureAccount(ctx.db, input.caller, now.toISOString())
  const check = await IdentityCheck.begin(ctx, accountId, {
    rules: [QUERY_PER_MINUTE, QUERY_PER_DAY],
    everyAttemptCounts: true,
    onRefused: (code, rule) => audit(ctx, ctx.db, accountId, 'query.status.rate_limited', null, { reason: code, limit: rule.name, max: rule.max }),
  })
  const id = validateIdNumber(input.idNumber, shanghaiDate(now))
  if (!id.valid) return refuse(ctx, accountId, 'query.status.rejected_input', id.reason, null, {}, 'idNumber')
  const idHash = idNumberHash(ctx.pii, id.idNumber)
  await check.atIdNumber(idHash)
  const person = await findPersonByIdHash(ctx.db, idHash)
  if (!person || !safeEqual(normaliseName(ctx.pii.openPerson(person.pii_enc).name), normaliseName(input.name))) {
    await check.failed()
    return refuse(ctx, accountId, 'query.status.failed', person ? 'DETAILS_MISMATCH' : 'PERSON_NOT_FOUND', person?.id ?? null)
  }
  await check.notCounted()
  const view = await personStatusView(ctx, person)
  await audit(ctx, ctx.db, accountId, 'query.status.answered', person.id, { status: view.status })
  return view
}
