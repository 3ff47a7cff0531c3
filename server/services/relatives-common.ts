/**
 * What the 家人 / share / notice / 认证查询 services share: the dependencies built once from the configuration, audit helpers (the limits are in limits.ts).
 */
import { hkdfSync } from 'node:crypto'
import { RELATION_LABELS, type Relation, type RelativeView } from '../../src/core/contracts/family'
import { DomainError, type ErrorCode } from '../../src/core/errors'
import { appendAudit, type AuditEntry } from '../repositories/audit'
import type { RelativeRow } from '../repositories/relatives'
import type { Db, PersonRow } from '../repositories/types'
import type { ServiceContext } from './context'
import { personStatusView } from './status'

/** Built once by buildApp from the configuration. */
export interface FamilyDeps {
  /** HMAC key of share tokens, derived from BACKEND_HMAC_SECRET ("yinling/share-token"). */
  shareKey: Buffer
}

export function familyDepsFor(hmacSecret: string): FamilyDeps {
  return { shareKey: Buffer.from(hkdfSync('sha256', Buffer.from(hmacSecret), Buffer.alloc(0), 'yinling/share-token', 32)) }
}

export async function audit(ctx: ServiceContext, db: Db, accountId: string, action: string, subject: string | null, detail: AuditEntry['detail'] = {}): Promise<void> {
  await appendAudit(db, { at: ctx.clock().toISOString(), actorType: 'account', actorRef: accountId, action, subjectPersonId: subject, detail })
}

/** Audits a refusal (outside any transaction) and throws it. */
export async function refuse(ctx: ServiceContext, accountId: string, action: string, code: ErrorCode, subject: string | null, detail: AuditEntry['detail'] = {}, field?: string): Promise<never> {
  await audit(ctx, ctx.db, accountId, action, subject, { reason: code, ...detail })
  throw new DomainError(code, { field })
}

export async function relativeView(ctx: ServiceContext, rel: RelativeRow, person: PersonRow, shareActiveUntil?: string): Promise<RelativeView> {
  const s = await personStatusView(ctx, person)
  return {
    relativeId: rel.id,
    maskedName: person.name_masked,
    relation: rel.relation,
    relationLabel: RELATION_LABELS[rel.relation],
    status: s.status,
    statusLabel: s.statusLabel,
    nextDueDate: s.nextDueDate,
    nextDueMonthLabel: s.nextDueMonthLabel,
    nextDueDeadlineLabel: s.nextDueDeadlineLabel,
    ...(s.suspendedSince ? { suspendedSince: s.suspendedSince } : {}),
    ...(s.lastResult ? { lastResult: s.lastResult } : {}),
    ...(s.laterRetry ? { laterRetry: s.laterRetry } : {}),
    ...(s.silentCertifiedOn ? { silentCertifiedOn: s.silentCertifiedOn } : {}),
    ...(shareActiveUntil ? { shareActiveUntil } : {}),
    addedAt: rel.created_at,
  }
}

/**
 * Who sent a share card, from the opener's point of view. The sender recorded the person as their
 * 父亲 / 母亲 → the sender is the person's 子女 (we do not know whether son or daughter);
 * 配偶 → 配偶; 其他亲属 → 家人.
 */
export function senderLabelFor(relation: string): string {
  const r = relation as Relation
  if (r === 'father' || r === 'mother') return '您的子女'
  if (r === 'spouse') return '您的配偶'
  return '您的家人'
}
