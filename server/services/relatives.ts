/**
 * 家人 (relatives): add by name + ID number + relation (checked against the roster like binding),
 * list, remove. Rules (docs/backend-api.md § 家人):
 *  - rate limits before anything else (services/limits.ts): 5 failed identity checks in 10 minutes
 *    (these and binding's) and 10 added relatives a Beijing day per account → RATE_LIMITED; 10 failed
 *    checks a day at one ID number from all accounts → ID_NUMBER_CHECKS_LIMITED; nothing stored;
 *  - ID format errors name the reason (field idNumber); not on the roster → PERSON_NOT_FOUND; the name
 *    differs → DETAILS_MISMATCH (never which detail); the caller's own bound person → RELATIVE_IS_SELF;
 *  - already linked → the existing entry (idempotent); 8 active already → RELATIVES_LIMIT;
 *  - the answer is the masked entry only; the API names links by an opaque relativeId;
 *  - another account's relativeId, or an unknown one → RELATIVE_NOT_FOUND (existence never revealed).
 * Every add, refusal, list and removal is audited (no personal data in the audit log).
 */
import { randomUUID } from 'node:crypto'
import { MAX_RELATIVES, type AddRelativeForm, type Relation, type RelativeView, type RelativesView } from '../../src/core/contracts/family'
import type { Caller } from '../../src/core/contracts/common'
import { DomainError, type ErrorCode } from '../../src/core/errors'
import { validateIdNumber } from '../../src/core/id-number'
import { safeEqual } from '../crypto/hmac'
import { isUniqueViolation } from '../db/errors'
import { ensureAccount } from '../repositories/accounts'
import { activeSelfBindingOfAccount } from '../repositories/bindings'
import { findPersonById, findPersonByIdHash } from '../repositories/persons'
import {
  countActiveRelatives,
  findActiveRelativeByPerson,
  findRelativeOfAccount,
  insertRelative,
  listActiveRelatives,
  lockAccountForRelatives,
  markRelativeRemoved,
  type RelativeRow,
} from '../repositories/relatives'
import { activeShareExpiries, revokeSharesOfRelative } from '../repositories/shares'
import type { PersonRow } from '../repositories/types'
import { shanghaiDate } from '../time/clock'
import { IdentityCheck } from './attempts'
import type { ServiceContext } from './context'
import { idNumberHash, normaliseName } from '../crypto/pii-fields'
import { Held, RELATIVES_ADDED_PER_DAY, takeOrRefuse, type LimitRule } from './limits'
import { audit, refuse, relativeView } from './relatives-common'

export const ADD_FAILED_ACTION = 'relative.add_failed'

export interface AddRelativeInput extends AddRelativeForm {
  caller: Caller
}

export async function addRelative(ctx: ServiceContext, input: AddRelativeInput): Promise<RelativeView> {
  const now = ctx.clock()
  const accountId = await ensureAccount(ctx.db, input.caller, now.toISOString())
  const onRefused = (code: ErrorCode, rule: LimitRule) =>
    audit(ctx, ctx.db, accountId, 'relative.add_rate_limited', null, { reason: code, limit: rule.name, max: rule.max })
  // The failed-check units come back when the check passes; the daily-adds unit only when nothing is added.
  const check = await IdentityCheck.begin(ctx, accountId, { onRefused })
  const adds = new Held(ctx.db)
  try {
    await takeOrRefuse(ctx.db, now, adds, `account:${accountId}`, [RELATIVES_ADDED_PER_DAY], 'RATE_LIMITED', onRefused)
  } catch (err) {
    await check.notCounted()
    throw err
  }
  let added = false
  try {
    const id = validateIdNumber(input.idNumber, shanghaiDate(now))
    if (!id.valid) {
      await check.notCounted()
      return await refuse(ctx, accountId, 'relative.add_rejected_input', id.reason, null, {}, 'idNumber')
    }
    const idHash = idNumberHash(ctx.pii, id.idNumber)
    await check.atIdNumber(idHash)
    const person = await findPersonByIdHash(ctx.db, idHash)
    if (!person || !safeEqual(normaliseName(ctx.pii.openPerson(person.pii_enc).name), normaliseName(input.name))) {
      await check.failed()
      return await refuse(ctx, accountId, ADD_FAILED_ACTION, person ? 'DETAILS_MISMATCH' : 'PERSON_NOT_FOUND', person?.id ?? null)
    }
    await check.notCounted()
    const result = await linkRelative(ctx, accountId, person, input.relation, now)
    added = result.added
    return await relativeView(ctx, result.row, person)
  } finally {
    if (added) adds.keep()
    else await adds.giveBack()
  }
}

/** The idempotency and the 8-relatives check, and the insert, in one transaction per try. */
async function linkRelative(ctx: ServiceContext, accountId: string, person: PersonRow, relation: Relation, now: Date): Promise<{ row: RelativeRow; added: boolean }> {
  const self = await activeSelfBindingOfAccount(ctx.db, accountId)
  if (self?.person_id === person.id) return refuse(ctx, accountId, 'relative.add_refused', 'RELATIVE_IS_SELF', person.id)

  for (let attempt = 0; ; attempt++) {
    try {
      return await ctx.db.transaction().execute(async (trx) => {
        await lockAccountForRelatives(trx, ctx.dialect, accountId)
        const existing = await findActiveRelativeByPerson(trx, accountId, person.id)
        if (existing) {
          await audit(ctx, trx, accountId, 'relative.add_repeated', person.id, { relativeId: existing.id, relation: existing.relation })
          return { row: existing, added: false }
        }
        if ((await countActiveRelatives(trx, accountId)) >= MAX_RELATIVES) throw new DomainError('RELATIVES_LIMIT')
        const row: RelativeRow = { id: randomUUID(), account_id: accountId, person_id: person.id, relation, created_at: now.toISOString(), removed_at: null }
        await insertRelative(trx, row)
        await audit(ctx, trx, accountId, 'relative.added', person.id, { relativeId: row.id, relation: row.relation })
        return { row, added: true }
      })
    } catch (err) {
      if (isUniqueViolation(err) && attempt < 2) continue
      if (err instanceof DomainError && err.code === 'RELATIVES_LIMIT') {
        return refuse(ctx, accountId, 'relative.add_refused', 'RELATIVES_LIMIT', person.id, { max: MAX_RELATIVES })
      }
      throw err
    }
  }
}

export async function listRelatives(ctx: ServiceContext, caller: Caller): Promise<RelativesView> {
  const nowIso = ctx.clock().toISOString()
  const accountId = await ensureAccount(ctx.db, caller, nowIso)
  const rows = await listActiveRelatives(ctx.db, accountId)
  const shares = await activeShareExpiries(ctx.db, rows.map((r) => r.id), nowIso)
  const relatives: RelativeView[] = []
  for (const rel of rows) {
    const person = await findPersonById(ctx.db, rel.person_id)
    if (person) relatives.push(await relativeView(ctx, rel, person, shares.get(rel.id)))
  }
  await audit(ctx, ctx.db, accountId, 'relatives.list', null, { count: relatives.length })
  return { relatives, max: MAX_RELATIVES }
}

/** Idempotent for the owner; their share links stop working. Another account's id → RELATIVE_NOT_FOUND. */
export async function removeRelative(ctx: ServiceContext, caller: Caller, relativeId: string): Promise<{ removed: true }> {
  const nowIso = ctx.clock().toISOString()
  const accountId = await ensureAccount(ctx.db, caller, nowIso)
  const rel = await findRelativeOfAccount(ctx.db, accountId, relativeId)
  if (!rel) return refuse(ctx, accountId, 'relative.remove_refused', 'RELATIVE_NOT_FOUND', null)
  await ctx.db.transaction().execute(async (trx) => {
    const removed = await markRelativeRemoved(trx, rel.id, nowIso)
    const sharesRevoked = removed ? await revokeSharesOfRelative(trx, rel.id, nowIso) : 0
    await audit(ctx, trx, accountId, removed ? 'relative.removed' : 'relative.remove_noop', rel.person_id, { relativeId: rel.id, relation: rel.relation, sharesRevoked })
  })
  return { removed: true }
}
