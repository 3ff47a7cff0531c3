/**
 * agency_users: all SQL for console accounts. Scope queries take the actor's region prefix and keep
 * it in the WHERE clause (a user outside it is not found, exactly like an unknown one).
 */
import { sql, type Selectable } from 'kysely'
import type { AgencyUsersTable } from '../../db/schema'
import type { Db } from '../types'

export type AgencyUserRow = Selectable<AgencyUsersTable>

/** LIKE pattern of a region prefix (digits only, checked by the callers' schemas; '' = everything). */
export const prefixPattern = (prefix: string): string => `${prefix.replace(/[^0-9]/g, '')}%`

export async function insertAgencyUser(db: Db, row: AgencyUserRow): Promise<void> {
  await db.insertInto('agency_users').values(row).execute()
}

export async function findAgencyUserByUsername(db: Db, username: string): Promise<AgencyUserRow | undefined> {
  return db.selectFrom('agency_users').selectAll().where('username', '=', username).executeTakeFirst()
}

export async function findAgencyUserById(db: Db, id: string): Promise<AgencyUserRow | undefined> {
  return db.selectFrom('agency_users').selectAll().where('id', '=', id).executeTakeFirst()
}

/** The user if their own region lies inside `prefix` (an admin's scope). */
export async function findAgencyUserInScope(db: Db, id: string, prefix: string): Promise<AgencyUserRow | undefined> {
  return db.selectFrom('agency_users').selectAll().where('id', '=', id).where('region_prefix', 'like', prefixPattern(prefix)).executeTakeFirst()
}

export async function listAgencyUsersInScope(db: Db, prefix: string): Promise<AgencyUserRow[]> {
  return db.selectFrom('agency_users').selectAll().where('region_prefix', 'like', prefixPattern(prefix)).orderBy('region_prefix').orderBy('username').execute()
}

export async function listAllAgencyUsers(db: Db): Promise<AgencyUserRow[]> {
  return db.selectFrom('agency_users').selectAll().orderBy('region_prefix').orderBy('username').execute()
}

/**
 * One more failure, in one statement (two concurrent wrong passwords both count): at the limit the
 * account is locked until `lockUntil` and the count starts again. Answers the new state.
 */
export async function recordAgencyFailure(db: Db, id: string, limit: number, lockUntil: string, now: string): Promise<{ failed_count: number; locked_until: string | null } | undefined> {
  return db
    .updateTable('agency_users')
    .set({
      failed_count: sql<number>`case when failed_count + 1 >= ${limit} then 0 else failed_count + 1 end`,
      locked_until: sql<string | null>`case when failed_count + 1 >= ${limit} then ${lockUntil} else locked_until end`,
      updated_at: now,
    })
    .where('id', '=', id)
    .returning(['failed_count', 'locked_until'])
    .executeTakeFirst()
}

export async function clearAgencyFailures(db: Db, id: string, now: string): Promise<void> {
  await db.updateTable('agency_users').set({ failed_count: 0, locked_until: null, updated_at: now }).where('id', '=', id).where((eb) => eb.or([eb('failed_count', '>', 0), eb('locked_until', 'is not', null)])).execute()
}

export async function setAgencyPassword(db: Db, id: string, passwordHash: string, mustChange: boolean, now: string): Promise<void> {
  await db.updateTable('agency_users').set({ password_hash: passwordHash, must_change_password: mustChange ? 1 : 0, updated_at: now }).where('id', '=', id).execute()
}

/** Stores a new, not yet confirmed TOTP secret; never replaces a confirmed one. */
export async function setPendingTotpSecret(db: Db, id: string, sealed: string, now: string): Promise<boolean> {
  const r = await db.updateTable('agency_users').set({ totp_secret_enc: sealed, totp_last_step: null, updated_at: now }).where('id', '=', id).where('totp_enrolled_at', 'is', null).executeTakeFirst()
  return Number(r.numUpdatedRows) === 1
}

/**
 * Takes a TOTP time step for the user: true only if it is later than the last one taken. One
 * conditional UPDATE, so the same code sent twice at once is accepted once. Also confirms a pending
 * enrolment.
 */
export async function takeTotpStep(db: Db, id: string, step: number, now: string): Promise<boolean> {
  const r = await db
    .updateTable('agency_users')
    .set({ totp_last_step: step, totp_enrolled_at: sql<string>`coalesce(totp_enrolled_at, ${now})`, updated_at: now })
    .where('id', '=', id)
    .where((eb) => eb.or([eb('totp_last_step', 'is', null), eb('totp_last_step', '<', step)]))
    .executeTakeFirst()
  return Number(r.numUpdatedRows) === 1
}

/** Removes the second factor (the CLI's reset): the user enrols again at the next sign-in. */
export async function clearAgencyTotp(db: Db, id: string, now: string): Promise<void> {
  await db.updateTable('agency_users').set({ totp_secret_enc: null, totp_enrolled_at: null, totp_last_step: null, updated_at: now }).where('id', '=', id).execute()
}

export async function disableAgencyUser(db: Db, id: string, now: string): Promise<void> {
  await db.updateTable('agency_users').set({ disabled_at: now, updated_at: now }).where('id', '=', id).where('disabled_at', 'is', null).execute()
}
