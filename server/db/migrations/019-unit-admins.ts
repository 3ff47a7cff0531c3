/**
 * 单位专管员 (unit administrators): an agency admin appoints a mini-program account to certify the
 * retirees of one 单位名称 (persons.employer, exactly as on the roster) inside a region prefix.
 *
 * unit_admin_appointments: the admin creates the appointment with a one-time invitation code (only
 * its sha256 is kept, invite_code_hash, unique) that the 专管员 enters in the mini-program; the
 * claim sets account_id and claimed_at and clears nothing else (the hash stays, so the same code
 * can never be claimed again). An appointment is live while claimed, not revoked and before
 * expires_at. No openid, name or phone number is kept here.
 *
 * certification_sessions.unit_appointment_id: the appointment a performer 'unit_admin' session was
 * started under; completion checks it again (revoked or expired meanwhile → refused).
 */
import type { Kysely } from 'kysely'
import type { Dialect } from '../schema'

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>, _dialect: Dialect): Promise<void> {
  await db.schema
    .createTable('unit_admin_appointments')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text')
    .addColumn('unit_name', 'text', (c) => c.notNull())
    .addColumn('region_prefix', 'text', (c) => c.notNull())
    .addColumn('appointed_by', 'text', (c) => c.notNull())
    .addColumn('appointed_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('invite_code_hash', 'text', (c) => c.notNull())
    .addColumn('invite_expires_at', 'text', (c) => c.notNull())
    .addColumn('claimed_at', 'text')
    .addColumn('revoked_at', 'text')
    .addColumn('revoked_by', 'text')
    .execute()
  await db.schema.createIndex('unit_admin_appointments_code').unique().on('unit_admin_appointments').column('invite_code_hash').execute()
  await db.schema.createIndex('unit_admin_appointments_account').on('unit_admin_appointments').column('account_id').execute()
  await db.schema.createIndex('unit_admin_appointments_unit').on('unit_admin_appointments').columns(['region_prefix', 'unit_name']).execute()
  await db.schema.alterTable('certification_sessions').addColumn('unit_appointment_id', 'text').execute()
  // The unit list and a unit's members read persons by employer.
  await db.schema.createIndex('persons_employer').on('persons').columns(['employer', 'region_code']).execute()
}
