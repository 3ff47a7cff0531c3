/**
 * The roster's 上次认证日期 becomes a column of the person (persons.roster_certified_on) instead of one
 * certification_records row per person (channel import, method legacy). It is a fact the agency's
 * roster states about the person, replaced on every re-import; a million-row roster no longer writes a
 * million history rows with their four indexes. The 认证记录 list still shows it as 历史数据导入,
 * built from the column (repositories/records.ts).
 *
 * Existing import records move into the column (their Beijing date, which is all they held: they
 * were written at midnight Beijing time of the roster's date) and are then removed. No other table
 * refers to them: sessions, notices and outbox rows only point at in-app certifications.
 */
import { sql, type Kysely } from 'kysely'
import type { Dialect } from '../schema'

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyDb = Kysely<any>

export async function up(db: AnyDb, dialect: Dialect): Promise<void> {
  await db.schema.alterTable('persons').addColumn('roster_certified_on', 'text').execute()
  const beijingDate =
    dialect === 'postgres'
      ? sql`to_char(r.certified_at::timestamptz at time zone 'Asia/Shanghai', 'YYYY-MM-DD')`
      : sql`date(r.certified_at, '+8 hours')`
  await sql`update persons set roster_certified_on = (
      select max(${beijingDate}) from certification_records r
      where r.person_id = persons.id and r.channel = 'import' and r.method = 'legacy')
    where exists (select 1 from certification_records r where r.person_id = persons.id and r.channel = 'import' and r.method = 'legacy')`.execute(db)
  await sql`delete from certification_records where channel = 'import' and method = 'legacy'`.execute(db)
}
