/**
 * persons.last_certified_on becomes THE last pass (src/core/standing.ts): the later of the roster's
 * 上次认证日期 (roster_certified_on) and every passed record's Beijing date. Until now status merged the
 * two at read time while the reminder sweep read the column alone, and a roster re-import could move the
 * column back behind an in-app pass. One set-based UPDATE repairs every person that has either fact;
 * a person with neither keeps what is stored.
 *
 * Index persons(region_code, last_certified_on, enrolled_on, benefit_status): the console's counts and
 * overdue list are ranges of last_certified_on (enrolled_on for the never certified) inside a region
 * prefix (server/repositories/agency/standing.ts); with the two other columns the counts read the index
 * alone. And
 * persons(region_code, person_no) lets the overdue list page by 个人编号 inside a region.
 */
import { sql, type Kysely } from 'kysely'
import type { Dialect } from '../schema'

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyDb = Kysely<any>

export async function up(db: AnyDb, dialect: Dialect): Promise<void> {
  const beijingDate =
    dialect === 'postgres' ? sql`to_char(r.certified_at::timestamptz at time zone 'Asia/Shanghai', 'YYYY-MM-DD')` : sql`date(r.certified_at, '+8 hours')`
  const lastPass = sql`(select max(${beijingDate}) from certification_records r where r.person_id = persons.id and r.result = 'passed')`
  // max(a, b) ignoring NULLs: coalesce each with the other, then take the larger.
  const later = dialect === 'postgres' ? sql`greatest(roster_certified_on, ${lastPass})` : sql`max(coalesce(roster_certified_on, ${lastPass}), coalesce(${lastPass}, roster_certified_on))`
  await sql`update persons set last_certified_on = ${later}
    where roster_certified_on is not null
       or exists (select 1 from certification_records r where r.person_id = persons.id and r.result = 'passed')`.execute(db)
  await db.schema.createIndex('persons_region_last_certified').on('persons').columns(['region_code', 'last_certified_on', 'enrolled_on', 'benefit_status']).execute()
  await db.schema.createIndex('persons_region_person_no').on('persons').columns(['region_code', 'person_no']).execute()
}
