/** Share-card tokens. Data access only; the rules are in services/shares.ts. */
import type { Selectable } from 'kysely'
import type { ShareTokensTable } from '../db/schema'
import { rosterRecordOf } from './records'
import type { Db } from './types'

export type ShareRow = Selectable<ShareTokensTable>

export async function insertShare(db: Db, row: ShareRow): Promise<void> {
  await db.insertInto('share_tokens').values(row).execute()
}

export async function findShare(db: Db, id: string): Promise<ShareRow | undefined> {
  return db.selectFrom('share_tokens').selectAll().where('id', '=', id).executeTakeFirst()
}

/** Revokes one token if not revoked yet; true when this call revoked it. */
export async function revokeShareById(db: Db, id: string, now: string): Promise<boolean> {
  const res = await db.updateTable('share_tokens').set({ revoked_at: now }).where('id', '=', id).where('revoked_at', 'is', null).executeTakeFirst()
  return Number(res.numUpdatedRows) === 1
}

/** Revokes every not-yet-revoked token of a relative link; returns how many. */
export async function revokeSharesOfRelative(db: Db, relativeId: string, now: string): Promise<number> {
  const res = await db.updateTable('share_tokens').set({ revoked_at: now }).where('relative_id', '=', relativeId).where('revoked_at', 'is', null).executeTakeFirst()
  return Number(res.numUpdatedRows)
}

/** Marks a token used by a passed certification (first pass only). */
export async function markShareUsed(db: Db, id: string, now: string): Promise<void> {
  await db.updateTable('share_tokens').set({ used_after_pass_at: now }).where('id', '=', id).where('used_after_pass_at', 'is', null).execute()
}

/** Latest expiry of a usable token per relative link (not revoked, not used, not expired at `now`). */
export async function activeShareExpiries(db: Db, relativeIds: string[], now: string): Promise<Map<string, string>> {
  if (relativeIds.length === 0) return new Map()
  const rows = await db
    .selectFrom('share_tokens')
    .select(['relative_id', (eb) => eb.fn.max('expires_at').as('until')])
    .where('relative_id', 'in', relativeIds)
    .where('revoked_at', 'is', null)
    .where('used_after_pass_at', 'is', null)
    .where('expires_at', '>', now)
    .groupBy('relative_id')
    .execute()
  return new Map(rows.map((r) => [r.relative_id, String(r.until)]))
}

/**
 * The first passed certification of a person at or after `since` (ISO), if any: an in-app record, or
 * the roster's 上次认证日期 (midnight Beijing time) when the agency's roster says so.
 */
export async function firstPassSince(db: Db, personId: string, since: string): Promise<{ certified_at: string } | undefined> {
  const record = await db
    .selectFrom('certification_records')
    .select('certified_at')
    .where('person_id', '=', personId)
    .where('result', '=', 'passed')
    .where('certified_at', '>=', since)
    .orderBy('certified_at', 'asc')
    .limit(1)
    .executeTakeFirst()
  const person = await db.selectFrom('persons').select(['id', 'roster_certified_on', 'updated_at']).where('id', '=', personId).executeTakeFirst()
  const roster = person ? rosterRecordOf(person) : undefined
  const fromRoster = roster && roster.certified_at >= since ? { certified_at: roster.certified_at } : undefined
  if (!record || !fromRoster) return record ?? fromRoster
  return record.certified_at <= fromRoster.certified_at ? record : fromRoster
}
