/**
 * The local stand-in for the 电子社保卡 app: given name + ID number of a roster person, issue the
 * signed authorisation the national app would give. Counted by the failed-check limits like manual
 * binding (per account, and per ID number across accounts), because it takes a name + ID number.
 */
import type { Caller } from '../../src/core/contracts/common'
import { validateIdNumber } from '../../src/core/id-number'
import { safeEqual } from '../crypto/hmac'
import { DomainError, type ErrorCode } from '../../src/core/errors'
import { ensureAccount } from '../repositories/accounts'
import { appendAudit } from '../repositories/audit'
import { findPersonByIdHash } from '../repositories/persons'
import type { LocalSscIssuer } from '../ssc/port'
import { shanghaiDate } from '../time/clock'
import { IdentityCheck } from './attempts'
import type { ServiceContext } from './context'
import { idNumberHash, normaliseName } from '../crypto/pii-fields'

export async function localAuthorize(
  ctx: ServiceContext,
  issuer: LocalSscIssuer,
  input: { caller: Caller; name: string; idNumber: string },
): Promise<{ authorization: string }> {
  const now = ctx.clock()
  const at = now.toISOString()
  const accountId = await ensureAccount(ctx.db, input.caller, at)
  const check = await IdentityCheck.begin(ctx, accountId, {
    onRefused: (code, rule) =>
      appendAudit(ctx.db, { at, actorType: 'account', actorRef: accountId, action: 'ssc.local_authorize.rate_limited', subjectPersonId: null, detail: { reason: code, limit: rule.name, max: rule.max } }),
  })
  const failWith = async (action: string, reason: 'PERSON_NOT_FOUND' | 'DETAILS_MISMATCH' | ErrorCode, subject: string | null, field?: string) => {
    await appendAudit(ctx.db, { at, actorType: 'account', actorRef: accountId, action, subjectPersonId: subject, detail: { reason } })
    throw new DomainError(reason, { field })
  }
  const id = validateIdNumber(input.idNumber, shanghaiDate(now))
  if (!id.valid) {
    await check.notCounted()
    return failWith('ssc.local_authorize.rejected_input', id.reason, null, 'idNumber')
  }
  const idHash = idNumberHash(ctx.pii, id.idNumber)
  await check.atIdNumber(idHash)
  const person = await findPersonByIdHash(ctx.db, idHash)
  if (!person || !safeEqual(normaliseName(ctx.pii.openPerson(person.pii_enc).name), normaliseName(input.name))) {
    await check.failed()
    return failWith('ssc.local_authorize.failed', person ? 'DETAILS_MISMATCH' : 'PERSON_NOT_FOUND', person?.id ?? null)
  }
  await check.notCounted()
  const authorization = issuer.issue(person.id, now)
  await appendAudit(ctx.db, { at, actorType: 'account', actorRef: accountId, action: 'ssc.local_authorize.issued', subjectPersonId: person.id, detail: {} })
  return { authorization }
}
