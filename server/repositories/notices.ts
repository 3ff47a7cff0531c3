/** Printed-notice codes and the roster pages the notice run walks. Data access only (services/notices.ts). */
import type { Selectable } from 'kysely'
import type { NoticeCodesTable } from '../db/schema'
import type { Db, PersonRow } from './types'

export type NoticeCodeRow = Selectable<NoticeCodesTable>

export async function findNoticeCode(db: Db, code: string): Promise<NoticeCodeRow | undefined> {
  return db.selectFrom('notice_codes').selectAll().where('code', '=', code).executeTakeFirst()
}

export async function findNoticeCodeOfPerson(db: Db, personId: string, cycle: number): Promise<NoticeCodeRow | undefined> {
  return db.selectFrom('notice_codes').selectAll().where('person_id', '=', personId).where('cycle', '=', cycle).executeTakeFirst()
}

export async function noticeCodesOfPersons(db: Db, personIds: string[], cycle: number): Promise<NoticeCodeRow[]> {
  if (personIds.length === 0) return []
  return db.selectFrom('notice_codes').selectAll().where('person_id', 'in', personIds).where('cycle', '=', cycle).execute()
}

/** Inserts codes; a (person, cycle) that already has one is left alone (the caller reads back). */
export async function insertNoticeCodes(db: Db, rows: NoticeCodeRow[]): Promise<void> {
  if (rows.length === 0) return
  await db
    .insertInto('notice_codes')
    .values(rows)
    .onConflict((oc) => oc.columns(['person_id', 'cycle']).doNothing())
    .execute()
}

/** Persons of a region (行政区划 prefix), by 个人编号, `limit` after `afterPersonNo` (keyset paging). */
export async function personsOfRegionPage(db: Db, regionPrefix: string, afterPersonNo: string | null, limit: number): Promise<PersonRow[]> {
  let q = db.selectFrom('persons').selectAll().where('region_code', 'like', `${regionPrefix}%`)
  if (afterPersonNo !== null) q = q.where('person_no', '>', afterPersonNo)
  return q.orderBy('person_no', 'asc').limit(limit).execute()
}

export async function countPersonsOfRegion(db: Db, regionPrefix: string): Promise<number> {
  const row = await db
    .selectFrom('persons')
    .select((eb) => eb.fn.countAll().as('n'))
    .where('region_code', 'like', `${regionPrefix}%`)
    .executeTakeFirstOrThrow()
  return Number(row.n)
}
