/**
 * The console's 申诉 queue in SQL: appeals joined to their person, scoped to the actor's region in the
 * WHERE clause (an appeal outside it is not found, exactly like an unknown one). State changes are
 * conditional updates on the state they start from, so two clerks acting at once cannot both win.
 */
import { sql, type Updateable } from 'kysely'
import { OPEN_APPEAL_STATES, type AppealState } from '../../../src/core/contracts/appeals'
import type { AppealsTable } from '../../db/schema'
import type { AppealRow } from '../appeals'
import type { Db } from '../types'
import { inRegion } from './review'

export interface QueueRow extends AppealRow {
  person_no: string
  name_masked: string
  region_code: string
  assigned_name: string | null
}

const QUEUE_LIMIT = 200

function base(db: Db, regionPrefix: string) {
  return db
    .selectFrom('appeals as a')
    .innerJoin('persons as p', 'p.id', 'a.person_id')
    .leftJoin('agency_users as u', 'u.id', 'a.assigned_to')
    .selectAll('a')
    .select(['p.person_no', 'p.name_masked', 'p.region_code', 'u.display_name as assigned_name'])
    .where(inRegion(regionPrefix))
}

/** Open appeals oldest first, or closed ones newest first (at most 200), and how many there are. */
export async function appealsInRegion(db: Db, regionPrefix: string, view: 'open' | 'closed'): Promise<{ rows: QueueRow[]; total: number }> {
  const open = [...OPEN_APPEAL_STATES]
  const states: AppealState[] = view === 'open' ? open : ['completed', 'rejected']
  let q = base(db, regionPrefix).where('a.state', 'in', states)
  q = view === 'open' ? q.orderBy('a.created_at').orderBy('a.id') : q.orderBy('a.created_at', 'desc').orderBy('a.id', 'desc')
  const rows = (await q.limit(QUEUE_LIMIT).execute()) as QueueRow[]
  const total = await db
    .selectFrom('appeals as a')
    .innerJoin('persons as p', 'p.id', 'a.person_id')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where(inRegion(regionPrefix))
    .where('a.state', 'in', states)
    .executeTakeFirstOrThrow()
  return { rows, total: Number(total.n) }
}

export async function appealInRegion(db: Db, regionPrefix: string, appealId: string): Promise<QueueRow | undefined> {
  return (await base(db, regionPrefix).where('a.id', '=', appealId).executeTakeFirst()) as QueueRow | undefined
}

/** Moves the appeal only from one of `from`; false when another request moved it first. */
export async function transitionAppeal(db: Db, appealId: string, from: readonly AppealState[], set: Updateable<AppealsTable>): Promise<boolean> {
  const r = await db.updateTable('appeals').set(set).where('id', '=', appealId).where('state', 'in', [...from]).executeTakeFirst()
  return Number(r.numUpdatedRows) === 1
}

/** Open appeals of the region by state, and how many are past their SLA date (概览). */
export async function appealCounts(db: Db, regionPrefix: string, today: string): Promise<{ byState: Record<string, number>; overdue: number }> {
  const rows = await db
    .selectFrom('appeals as a')
    .innerJoin('persons as p', 'p.id', 'a.person_id')
    .select(['a.state', (eb) => eb.fn.countAll<number>().as('n'), sql<number>`sum(case when a.due_on < ${today} then 1 else 0 end)`.as('late')])
    .where(inRegion(regionPrefix))
    .where('a.state', 'in', [...OPEN_APPEAL_STATES])
    .groupBy('a.state')
    .execute()
  const byState: Record<string, number> = {}
  let overdue = 0
  for (const r of rows) {
    byState[r.state] = Number(r.n)
    overdue += Number(r.late ?? 0)
  }
  return { byState, overdue }
}

/** Active users whose region lies inside `actorPrefix` and covers `regionCode` (the assign choices). */
export async function assigneesFor(db: Db, actorPrefix: string, regionCode: string) {
  const rows = await db
    .selectFrom('agency_users')
    .select(['id', 'display_name', 'role', 'region_prefix'])
    .where('disabled_at', 'is', null)
    .where('region_prefix', 'like', `${actorPrefix.replace(/[^0-9]/g, '')}%`)
    .orderBy('display_name')
    .execute()
  return rows.filter((u) => regionCode.startsWith(u.region_prefix))
}
