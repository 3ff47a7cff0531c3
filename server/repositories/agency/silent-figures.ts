/**
 * 概览's 静默认证 figures (an added field of the overview): passes by data comparison in the region
 * this year and this month (Beijing), and persons flagged by a death/殡葬 signal or a conflict whose
 * review is still open. Counted in SQL; region scope as everywhere in the console (region_code prefix).
 */
import type { Db } from '../types'
import { shanghaiMidnightIso } from '../../time/clock'

export interface SilentFigures {
  certifiedThisYear: number
  certifiedThisMonth: number
  openReviews: number
}

export async function silentFigures(db: Db, regionPrefix: string, today: string): Promise<SilentFigures> {
  if (!/^\d*$/.test(regionPrefix)) throw new Error('region prefix must be digits')
  const yearStart = shanghaiMidnightIso(`${today.slice(0, 4)}-01-01`)
  const monthStart = shanghaiMidnightIso(`${today.slice(0, 7)}-01`)
  const passes = await db
    .selectFrom('certification_records as r')
    .innerJoin('persons as p', 'p.id', 'r.person_id')
    .select((eb) => [eb.fn.countAll<number | string>().as('year'), eb.fn.sum<number | string | null>(eb.case().when('r.certified_at', '>=', monthStart).then(1).else(0).end()).as('month')])
    .where('r.method', '=', 'data_comparison')
    .where('r.result', '=', 'passed')
    .where('r.certified_at', '>=', yearStart)
    .where('p.region_code', 'like', `${regionPrefix}%`)
    .executeTakeFirstOrThrow()
  const reviews = await db
    .selectFrom('signal_reviews as s')
    .innerJoin('persons as p', 'p.id', 's.person_id')
    .select((eb) => eb.fn.count<number | string>('s.person_id').distinct().as('n'))
    .where('s.status', '=', 'open')
    .where('p.region_code', 'like', `${regionPrefix}%`)
    .executeTakeFirstOrThrow()
  return { certifiedThisYear: Number(passes.year), certifiedThisMonth: Number(passes.month ?? 0), openReviews: Number(reviews.n) }
}
