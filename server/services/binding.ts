/**
 * Binding a platform account to a roster person as 本人, by hand (name + ID + card + 险种) or by
 * 电子社保卡 authorisation; unbinding. Rules (docs/backend-api.md):
 *  - ID format errors name the reason, field idNumber;
 *  - no roster entry for the ID → PERSON_NOT_FOUND; any other detail differs → DETAILS_MISMATCH
 *    (never which one);
 *  - the account already bound to this person → idempotent success; to another → ACCOUNT_ALREADY_BOUND;
 *  - the person bound as 本人 to another account → PERSON_BOUND_ELSEWHERE.
 * Each write happens in one transaction with its audit entry; refusals are audited afterwards.
 */
import type { BindingView } from '../../src/core/contracts/views'
import type { Caller } from '../../src/core/contracts/common'
import type { InsuranceType } from '../../src/core/insurance'
import { validateIdNumber } from '../../src/core/id-number'
import { DomainError, type ErrorCode } from '../../src/core/errors'
import { safeEqual } from '../crypto/hmac'
import { isUniqueViolation } from '../db/errors'
import { ensureAccount } from '../repositories/accounts'
import { appendAudit } from '../repositories/audit'
import { activeSelfBindingOfAccount, activeSelfBindingOfPerson, insertSelfBinding, markUnbound, type BindingRow } from '../repositories/bindings'
import { tryUseNonce } from '../repositories/nonces'
import { findPersonById, findPersonByIdHash } from '../repositories/persons'
import type { Db, PersonRow } from '../repositories/types'
import { shanghaiDate } from '../time/clock'
import { IdentityCheck } from './attempts'
import type { LimitRule } from './limits'
import type { ServiceContext } from './context'
import { idNumberHash, normaliseCard, normaliseName } from '../crypto/pii-fields'
import { maskedPerson } from './views'

type Method = BindingRow['method']

export interface ManualBindInput {
  caller: Caller
  name: string
  idNumber: string
  cardNumber: string
  insuranceType: InsuranceType
}

async function audit(ctx: ServiceContext, accountId: string, action: string, subject: string | null, detail: Record<string, string>): Promise<void> {
  await appendAudit(ctx.db, { at: ctx.clock().toISOString(), actorType: 'account', actorRef: accountId, action, subjectPersonId: subject, detail })
}

/** Audits a refusal (outside any transaction, so it survives the rollback) and throws it. */
async function refuse(ctx: ServiceContext, accountId: string, action: string, method: string, code: ErrorCode, subject: string | null, field?: string): Promise<never> {
  await audit(ctx, accountId, action, subject, { method, reason: code })
  throw new DomainError(code, { field })
}

/** Audits a limit refusal as binding.rate_limited (which limit, never whose ID number). */
const limitAudit = (ctx: ServiceContext, accountId: string) => (code: ErrorCode, rule: LimitRule) =>
  audit(ctx, accountId, 'binding.rate_limited', null, { reason: code, limit: rule.name, max: String(rule.max) })

function bindingView(person: PersonRow, binding: BindingRow): BindingView {
  return { bound: true, person: maskedPerson(person), boundAt: binding.bound_at }
}

/**
 * The conflict checks and the insert, in one transaction. `consume` runs inside it just before the
 * insert (the SSC path marks its authorisation used there). A concurrent insert that wins the race
 * trips the partial unique indexes; the checks are then run again and give the right answer.
 */
async function bindInTransaction(
  ctx: ServiceContext,
  accountId: string,
  person: PersonRow,
  method: Method,
  consume?: (trx: Db) => Promise<void>,
): Promise<BindingView> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await ctx.db.transaction().execute(async (trx) => {
        const mine = await activeSelfBindingOfAccount(trx, accountId)
        if (mine) {
          if (mine.person_id === person.id) return bindingView(person, mine)
          throw new DomainError('ACCOUNT_ALREADY_BOUND')
        }
        if (await activeSelfBindingOfPerson(trx, person.id)) throw new DomainError('PERSON_BOUND_ELSEWHERE')
        if (consume) await consume(trx)
        const now = ctx.clock().toISOString()
        const binding = await insertSelfBinding(trx, accountId, person.id, method, now)
        await appendAudit(trx, { at: now, actorType: 'account', actorRef: accountId, action: 'binding.created', subjectPersonId: person.id, detail: { method, relation: 'self' } })
        return bindingView(person, binding)
      })
    } catch (err) {
      if (isUniqueViolation(err) && attempt < 2) continue
      if (err instanceof DomainError && (err.code === 'ACCOUNT_ALREADY_BOUND' || err.code === 'PERSON_BOUND_ELSEWHERE')) {
        return refuse(ctx, accountId, 'binding.refused', method, err.code, person.id)
      }
      if (err instanceof DomainError && err.code === 'SSC_AUTH_INVALID') {
        return refuse(ctx, accountId, 'binding.failed', method, err.code, person.id, 'authorization')
      }
      throw err
    }
  }
}

export async function bindManual(ctx: ServiceContext, input: ManualBindInput): Promise<BindingView> {
  const now = ctx.clock()
  const accountId = await ensureAccount(ctx.db, input.caller, now.toISOString())
  const check = await IdentityCheck.begin(ctx, accountId, { onRefused: limitAudit(ctx, accountId) })
  const id = validateIdNumber(input.idNumber, shanghaiDate(now))
  if (!id.valid) {
    await check.notCounted()
    return refuse(ctx, accountId, 'binding.rejected_input', 'manual', id.reason, null, 'idNumber')
  }
  const idHash = idNumberHash(ctx.pii, id.idNumber)
  await check.atIdNumber(idHash)

  const person = await findPersonByIdHash(ctx.db, idHash)
  const stored = person ? ctx.pii.openPerson(person.pii_enc) : undefined
  const nameMatches = !!stored && safeEqual(normaliseName(stored.name), normaliseName(input.name))
  const cardMatches = !!stored && safeEqual(normaliseCard(stored.cardNumber), normaliseCard(input.cardNumber))
  const typeMatches = person?.insurance_type === input.insuranceType
  if (!person || !(nameMatches && cardMatches && typeMatches)) {
    await check.failed()
    return refuse(ctx, accountId, 'binding.failed', 'manual', person ? 'DETAILS_MISMATCH' : 'PERSON_NOT_FOUND', person?.id ?? null)
  }
  await check.notCounted()
  return bindInTransaction(ctx, accountId, person, 'manual')
}

export async function bindBySsc(ctx: ServiceContext, caller: Caller, authorization: string): Promise<BindingView> {
  const now = ctx.clock()
  const accountId = await ensureAccount(ctx.db, caller, now.toISOString())
  const check = await IdentityCheck.begin(ctx, accountId, { onRefused: limitAudit(ctx, accountId) })
  const verified = await ctx.ssc.verify(authorization, now)
  if (!verified.ok) {
    if (verified.error.code === 'SERVICE_UNAVAILABLE') {
      await check.notCounted()
      throw new DomainError('SERVICE_UNAVAILABLE')
    }
    await check.failed()
    return refuse(ctx, accountId, 'binding.failed', 'ssc', 'SSC_AUTH_INVALID', null, 'authorization')
  }
  const person = await findPersonById(ctx.db, verified.data.personId)
  if (!person) {
    await check.failed()
    return refuse(ctx, accountId, 'binding.failed', 'ssc', 'SSC_AUTH_INVALID', null, 'authorization')
  }
  const { nonce, expiresAt } = verified.data
  let used = false
  try {
    return await bindInTransaction(ctx, accountId, person, 'ssc', async (trx) => {
      if (!(await tryUseNonce(trx, `ssc:${nonce}`, expiresAt.toISOString()))) {
        used = true
        throw new DomainError('SSC_AUTH_INVALID', { field: 'authorization' })
      }
    })
  } finally {
    // An authorisation used before is a failed check like a forged one; any other outcome is not.
    if (used) await check.failed()
    else await check.notCounted()
  }
}

/** Idempotent: unbinding with no active binding succeeds too. Both cases are audited. */
export async function unbind(ctx: ServiceContext, caller: Caller): Promise<{ unbound: true }> {
  const nowIso = ctx.clock().toISOString()
  const accountId = await ensureAccount(ctx.db, caller, nowIso)
  await ctx.db.transaction().execute(async (trx) => {
    const binding = await activeSelfBindingOfAccount(trx, accountId)
    if (binding) await markUnbound(trx, binding.id, nowIso)
    await appendAudit(trx, {
      at: nowIso,
      actorType: 'account',
      actorRef: accountId,
      action: binding ? 'binding.removed' : 'binding.unbind_noop',
      subjectPersonId: binding?.person_id ?? null,
      detail: binding ? { relation: 'self', method: binding.method } : {},
    })
  })
  return { unbound: true }
}
