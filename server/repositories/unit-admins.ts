/**
 * 单位专管员 appointments and unit members in SQL (data access only; the rules are in
 * services/unit-admins.ts and services/agency/unit-admins.ts).
 */
import type { Insertable, Selectable } from 'kysely'
import type { UnitAdminAppointmentsTable } from '../db/schema'
import { inRegion } from './agency/review'
import type { Db, PersonRow } from './types'

export type AppointmentRow = Selectable<UnitAdminAppointmentsTable>

export async function insertAppointment(db: Db, row: Insertable<UnitAdminAppointmentsTable>): Promise<void> {
  await db.insertInto('unit_admin_appointments').values(row).execute()
}

export async function findAppointment(db: Db, id: string): Promise<AppointmentRow | undefined> {
  return db.selectFrom('unit_admin_appointments').selectAll().where('id', '=', id).executeTakeFirst()
}

export async function findAppointmentByCodeHash(db: Db, codeHash: string): Promise<AppointmentRow | undefined> {
  return db.selectFrom('unit_admin_appointments').selectAll().where('invite_code_hash', '=', codeHash).executeTakeFirst()
}

/** Claims an unclaimed, unrevoked appointment whose code still works; false when another claim won or it is no longer claimable. */
export async function claimAppointment(db: Db, id: string, accountId: string, nowIso: string): Promise<boolean> {
  const r = await db
    .updateTable('unit_admin_appointments')
    .set({ account_id: accountId, claimed_at: nowIso })
    .where('id', '=', id)
    .where('account_id', 'is', null)
    .where('revoked_at', 'is', null)
    .where('invite_expires_at', '>', nowIso)
    .where('expires_at', '>', nowIso)
    .executeTakeFirst()
  return Number(r.numUpdatedRows) === 1
}

/** The account's live appointment (claimed, not revoked, not expired at `nowIso`); the newest if several. */
export async function liveAppointmentOfAccount(db: Db, accountId: string, nowIso: string): Promise<AppointmentRow | undefined> {
  return db
    .selectFrom('unit_admin_appointments')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', nowIso)
    .orderBy('claimed_at', 'desc')
    .executeTakeFirst()
}

/** Whether the appointment is live at `nowIso` for this account. */
export function isLive(a: AppointmentRow | undefined, accountId: string, nowIso: string): a is AppointmentRow {
  return !!a && a.account_id === accountId && a.revoked_at === null && a.expires_at > nowIso
}

/** The unit's members inside the appointment's region (employer exactly the unit name), by id. */
export async function unitMembers(db: Db, unitName: string, regionPrefix: string, limit: number): Promise<PersonRow[]> {
  return db
    .selectFrom('persons as p')
    .selectAll('p')
    .where('p.employer', '=', unitName)
    .where(inRegion(regionPrefix))
    .orderBy('p.id')
    .limit(limit)
    .execute()
}

export async function countUnitMembers(db: Db, unitName: string, regionPrefix: string): Promise<number> {
  const r = await db
    .selectFrom('persons as p')
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .where('p.employer', '=', unitName)
    .where(inRegion(regionPrefix))
    .executeTakeFirstOrThrow()
  return Number(r.n)
}

/** The person if they belong to the unit inside the region; else undefined. */
export async function unitMember(db: Db, unitName: string, regionPrefix: string, personId: string): Promise<PersonRow | undefined> {
  return db
    .selectFrom('persons as p')
    .selectAll('p')
    .where('p.id', '=', personId)
    .where('p.employer', '=', unitName)
    .where(inRegion(regionPrefix))
    .executeTakeFirst()
}
