/** 单位专管员 in the console, in SQL: units of the roster in a region, appointments in scope. */
import { sql } from 'kysely'
import type { AppointmentRow } from '../unit-admins'
import type { Db } from '../types'
import { inRegion } from './review'

export interface UnitCount {
  unitName: string
  members: number
}

/** Units (non-empty 单位名称) with their member counts in the region, largest first; `q` filters by substring. */
export async function unitsInRegion(db: Db, regionPrefix: string, q: string | undefined, limit: number): Promise<UnitCount[]> {
  let query = db
    .selectFrom('persons as p')
    .select(['p.employer as unitName', (eb) => eb.fn.countAll<number | string>().as('members')])
    .where('p.employer', '<>', '')
    .where(inRegion(regionPrefix))
  if (q) query = query.where(sql<boolean>`p.employer like ${`%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`} escape '\\'`)
  const rows = await query.groupBy('p.employer').orderBy('members', 'desc').orderBy('p.employer').limit(limit).execute()
  return rows.map((r) => ({ unitName: r.unitName, members: Number(r.members) }))
}

/** Appointments whose region lies inside the actor's prefix, newest first. */
export async function appointmentsInScope(db: Db, regionPrefix: string, limit: number): Promise<AppointmentRow[]> {
  return db
    .selectFrom('unit_admin_appointments')
    .selectAll()
    .where('region_prefix', 'like', `${regionPrefix}%`)
    .orderBy('appointed_at', 'desc')
    .limit(limit)
    .execute()
}

/** Passed certifications performed under each appointment (sessions carry the appointment). */
export async function certifiedByAppointments(db: Db, ids: string[]): Promise<Map<string, number>> {
  if (ids.length === 0) return new Map()
  const rows = await db
    .selectFrom('certification_sessions as s')
    .innerJoin('certification_records as r', 'r.id', 's.record_id')
    .select(['s.unit_appointment_id as id', (eb) => eb.fn.countAll<number | string>().as('n')])
    .where('s.unit_appointment_id', 'in', ids)
    .where('r.result', '=', 'passed')
    .groupBy('s.unit_appointment_id')
    .execute()
  return new Map(rows.map((r) => [r.id as string, Number(r.n)]))
}

export async function revokeAppointment(db: Db, id: string, by: string, nowIso: string): Promise<boolean> {
  const r = await db.updateTable('unit_admin_appointments').set({ revoked_at: nowIso, revoked_by: by }).where('id', '=', id).where('revoked_at', 'is', null).executeTakeFirst()
  return Number(r.numUpdatedRows) === 1
}

/**
 * 概览's 专管员 figures: appointments live now in the region, and passed certifications performed
 * by 专管员 of persons in the region since each of the given instants (ISO).
 */
export async function unitAdminActivity(db: Db, regionPrefix: string, nowIso: string, sinceIsos: readonly string[]): Promise<{ active: number; certifiedSince: number[] }> {
  const active = await db
    .selectFrom('unit_admin_appointments')
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .where('region_prefix', 'like', `${regionPrefix}%`)
    .where('account_id', 'is not', null)
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', nowIso)
    .executeTakeFirstOrThrow()
  const earliest = [...sinceIsos].sort()[0] ?? nowIso
  const passes = await db
    .selectFrom('certification_records as r')
    .innerJoin('persons as p', 'p.id', 'r.person_id')
    .select('r.certified_at')
    .where('r.performed_by', '=', 'unit_admin')
    .where('r.result', '=', 'passed')
    .where('r.certified_at', '>=', earliest)
    .where(inRegion(regionPrefix))
    .execute()
  return { active: Number(active.n), certifiedSince: sinceIsos.map((s) => passes.filter((r) => r.certified_at >= s).length) }
}
