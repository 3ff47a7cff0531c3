/**
 * Share cards (发给家人). A token is `<id>.<mac>`: id = 16 random bytes, mac = HMAC-SHA256 over
 * "share:v1:<id>" with a key derived from BACKEND_HMAC_SECRET, both base64url (66 characters). The
 * token names no person; the share_tokens row behind the id does (person, sender, relation, expiry).
 *
 * Checking a token, in this order (docs/backend-api.md § share cards):
 *   malformed, MAC wrong, or no such row → SHARE_INVALID (one answer for forged and unknown);
 *   revoked → SHARE_REVOKED; the person passed a certification since the card was made (through it or
 *   otherwise) → SHARE_USED; past its 7 days → SHARE_EXPIRED.
 */
import { createHmac, randomBytes } from 'node:crypto'
import type { Caller } from '../../src/core/contracts/common'
import { SHARE_TTL_DAYS, sharePath, SHARE_TOKEN_PATTERN, type ShareCreatedView, type ShareOpenedView, type ShareRevokedView } from '../../src/core/contracts/share'
import { safeEqual } from '../crypto/hmac'
import { ensureAccount } from '../repositories/accounts'
import { findPersonById } from '../repositories/persons'
import { findActiveRelativeOfAccount, findRelativeOfAccount, type RelativeRow } from '../repositories/relatives'
import { findShare, firstPassSince, insertShare, revokeShareById, revokeSharesOfRelative, type ShareRow } from '../repositories/shares'
import type { Db, PersonRow } from '../repositories/types'
import type { ServiceContext } from './context'
import { Held, SHARES_PER_DAY, takeOrRefuse } from './limits'
import { audit, refuse, senderLabelFor, type FamilyDeps } from './relatives-common'
import { personStatusView } from './status'

export const SHARE_TTL_MS = SHARE_TTL_DAYS * 24 * 3600_000
/** Share cards an account may create: 20 a Beijing day. */
export const SHARE_DAILY_MAX = SHARES_PER_DAY.max

const macOf = (key: Buffer, id: string): string => createHmac('sha256', key).update(`share:v1:${id}`).digest('base64url')

export function signShareToken(key: Buffer, id: string): string {
  return `${id}.${macOf(key, id)}`
}

/** The token id when the token is well-formed and its MAC right; otherwise undefined. */
export function verifyShareToken(key: Buffer, token: string): string | undefined {
  if (typeof token !== 'string' || !SHARE_TOKEN_PATTERN.test(token)) return undefined
  const [id, mac] = token.split('.')
  return safeEqual(mac, macOf(key, id)) ? id : undefined
}

export const shareTitle = (maskedName: string): string => `${maskedName}的养老资格认证`

export interface UsableShare {
  share: ShareRow
  person: PersonRow
}

/**
 * The share behind a token, if it may still be used (see the order above). Refusals are audited with
 * `action` and thrown with their code.
 */
export async function usableShare(ctx: ServiceContext, deps: FamilyDeps, accountId: string, token: string, action: string): Promise<UsableShare> {
  const id = verifyShareToken(deps.shareKey, token)
  const share = id ? await findShare(ctx.db, id) : undefined
  if (!share) return refuse(ctx, accountId, action, 'SHARE_INVALID', null)
  const detail = { shareId: share.id }
  if (share.revoked_at) return refuse(ctx, accountId, action, 'SHARE_REVOKED', share.person_id, detail)
  if (share.used_after_pass_at || (await firstPassSince(ctx.db, share.person_id, share.created_at))) {
    return refuse(ctx, accountId, action, 'SHARE_USED', share.person_id, detail)
  }
  if (Date.parse(share.expires_at) <= ctx.clock().getTime()) return refuse(ctx, accountId, action, 'SHARE_EXPIRED', share.person_id, detail)
  const person = await findPersonById(ctx.db, share.person_id)
  if (!person) return refuse(ctx, accountId, action, 'SHARE_INVALID', null, detail)
  return { share, person }
}

export async function createShare(ctx: ServiceContext, deps: FamilyDeps, caller: Caller, relativeId: string): Promise<ShareCreatedView> {
  const now = ctx.clock()
  const accountId = await ensureAccount(ctx.db, caller, now.toISOString())
  const rel = await findActiveRelativeOfAccount(ctx.db, accountId, relativeId)
  if (!rel) return refuse(ctx, accountId, 'share.create_refused', 'RELATIVE_NOT_FOUND', null)
  // Taken before the insert and given back unless a link was made: concurrent requests cannot overshoot.
  const held = new Held(ctx.db)
  await takeOrRefuse(ctx.db, now, held, `account:${accountId}`, [SHARES_PER_DAY], 'RATE_LIMITED', () =>
    audit(ctx, ctx.db, accountId, 'share.create_rate_limited', rel.person_id, { reason: 'RATE_LIMITED', max: SHARE_DAILY_MAX }),
  )
  const person = await findPersonById(ctx.db, rel.person_id)
  if (!person) {
    await held.giveBack()
    return refuse(ctx, accountId, 'share.create_refused', 'RELATIVE_NOT_FOUND', null)
  }
  const id = randomBytes(16).toString('base64url')
  const expiresAt = new Date(now.getTime() + SHARE_TTL_MS).toISOString()
  try {
    await insertShareWithAudit(ctx, accountId, rel, id, now, expiresAt)
  } catch (err) {
    await held.giveBack()
    throw err
  }
  held.keep()
  const token = signShareToken(deps.shareKey, id)
  return { token, path: sharePath(token), title: shareTitle(person.name_masked), expiresAt }
}

async function insertShareWithAudit(ctx: ServiceContext, accountId: string, rel: RelativeRow, id: string, now: Date, expiresAt: string): Promise<void> {
  await ctx.db.transaction().execute(async (trx) => {
    await insertShare(trx, {
      id,
      relative_id: rel.id,
      sender_account_id: accountId,
      person_id: rel.person_id,
      relation: rel.relation,
      created_at: now.toISOString(),
      expires_at: expiresAt,
      revoked_at: null,
      used_after_pass_at: null,
    })
    await audit(ctx, trx, accountId, 'share.created', rel.person_id, { shareId: id, relativeId: rel.id, relation: rel.relation, expiresAt })
  })
}

export async function openShare(ctx: ServiceContext, deps: FamilyDeps, caller: Caller, token: string): Promise<ShareOpenedView> {
  const accountId = await ensureAccount(ctx.db, caller, ctx.clock().toISOString())
  const { share, person } = await usableShare(ctx, deps, accountId, token, 'share.open_refused')
  const status = await personStatusView(ctx, person)
  const senderLabel = senderLabelFor(share.relation)
  await audit(ctx, ctx.db, accountId, 'share.opened', person.id, { shareId: share.id, bySender: share.sender_account_id === accountId })
  return {
    maskedName: person.name_masked,
    title: shareTitle(person.name_masked),
    senderLabel,
    fromText: `来自${senderLabel}`,
    expiresAt: share.expires_at,
    nextDueMonthLabel: status.nextDueMonthLabel,
    nextDueDeadlineLabel: status.nextDueDeadlineLabel,
    statusLabel: status.statusLabel,
  }
}

/**
 * The sender withdraws one token, or every token of one of their relatives. Idempotent (count 0 the
 * second time). Somebody else's token → SHARE_INVALID; somebody else's relativeId → RELATIVE_NOT_FOUND.
 */
export async function revokeShare(ctx: ServiceContext, deps: FamilyDeps, caller: Caller, ref: { token: string } | { relativeId: string }): Promise<ShareRevokedView> {
  const nowIso = ctx.clock().toISOString()
  const accountId = await ensureAccount(ctx.db, caller, nowIso)
  if ('token' in ref) {
    const id = verifyShareToken(deps.shareKey, ref.token)
    const share = id ? await findShare(ctx.db, id) : undefined
    if (!share || share.sender_account_id !== accountId) return refuse(ctx, accountId, 'share.revoke_refused', 'SHARE_INVALID', null)
    const count = await inTransaction(ctx, async (trx) => {
      const n = (await revokeShareById(trx, share.id, nowIso)) ? 1 : 0
      await audit(ctx, trx, accountId, n ? 'share.revoked' : 'share.revoke_noop', share.person_id, { shareId: share.id })
      return n
    })
    return { revoked: true, count }
  }
  const rel = await findRelativeOfAccount(ctx.db, accountId, ref.relativeId)
  if (!rel) return refuse(ctx, accountId, 'share.revoke_refused', 'RELATIVE_NOT_FOUND', null)
  const count = await inTransaction(ctx, async (trx) => {
    const n = await revokeSharesOfRelative(trx, rel.id, nowIso)
    await audit(ctx, trx, accountId, n ? 'share.revoked' : 'share.revoke_noop', rel.person_id, { relativeId: rel.id, count: n })
    return n
  })
  return { revoked: true, count }
}

function inTransaction<T>(ctx: ServiceContext, fn: (trx: Db) => Promise<T>): Promise<T> {
  return ctx.db.transaction().execute(fn)
}
