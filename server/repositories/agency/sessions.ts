/** agency_sessions: all SQL for console sessions. The id is the SHA-256 of the cookie's token. */
import type { Selectable } from 'kysely'
import type { AgencySessionsTable } from '../../db/schema'
import type { Db } from '../types'
import type { AgencyUserRow } from './users'

export type AgencySessionRow = Selectable<AgencySessionsTable>

export async function insertAgencySession(db: Db, row: AgencySessionRow): Promise<void> {
  await db.insertInto('agency_sessions').values(row).execute()
}

/** The live (not revoked) session and its user, in one read per request. */
export async function findLiveAgencySession(db: Db, id: string): Promise<{ session: AgencySessionRow; user: AgencyUserRow } | undefined> {
  const row = await db
    .selectFrom('agency_sessions as s')
    .innerJoin('agency_users as u', 'u.id', 's.user_id')
    .select([
      's.id as s_id',
      's.user_id as s_user_id',
      's.csrf_token as s_csrf_token',
      's.created_at as s_created_at',
      's.last_seen_at as s_last_seen_at',
      's.expires_at as s_expires_at',
      's.second_factor_done as s_second_factor_done',
      's.revoked_at as s_revoked_at',
    ])
    .selectAll('u')
    .where('s.id', '=', id)
    .where('s.revoked_at', 'is', null)
    .executeTakeFirst()
  if (!row) return undefined
  const { s_id, s_user_id, s_csrf_token, s_created_at, s_last_seen_at, s_expires_at, s_second_factor_done, s_revoked_at, ...user } = row
  return {
    session: { id: s_id, user_id: s_user_id, csrf_token: s_csrf_token, created_at: s_created_at, last_seen_at: s_last_seen_at, expires_at: s_expires_at, second_factor_done: s_second_factor_done, revoked_at: s_revoked_at },
    user: user as AgencyUserRow,
  }
}

export async function touchAgencySession(db: Db, id: string, now: string): Promise<void> {
  await db.updateTable('agency_sessions').set({ last_seen_at: now }).where('id', '=', id).execute()
}

/** True if this call revoked it (false: already revoked or unknown). */
export async function revokeAgencySession(db: Db, id: string, now: string): Promise<boolean> {
  const r = await db.updateTable('agency_sessions').set({ revoked_at: now }).where('id', '=', id).where('revoked_at', 'is', null).executeTakeFirst()
  return Number(r.numUpdatedRows) === 1
}

export async function revokeAgencyUserSessions(db: Db, userId: string, now: string): Promise<number> {
  const r = await db.updateTable('agency_sessions').set({ revoked_at: now }).where('user_id', '=', userId).where('revoked_at', 'is', null).executeTakeFirst()
  return Number(r.numUpdatedRows)
}

/** Removes sessions that ended before `before` (housekeeping; a revoked or expired row signs no one in). */
export async function purgeAgencySessions(db: Db, before: string): Promise<number> {
  const r = await db.deleteFrom('agency_sessions').where('expires_at', '<', before).executeTakeFirst()
  return Number(r.numDeletedRows)
}
