/** signal_reviews (migration 020): persons another department reported dead, awaiting the agency. */
import { expressionBuilder, type Expression, type SelectQueryBuilder } from 'kysely'
import type { Database } from '../db/schema'
import type { Db } from './types'

type ReviewsQuery<O> = SelectQueryBuilder<Database, 'signal_reviews', O>

/** The person's death or 殡葬 report that waits for an agency decision. */
const openDeathReport = <O>(q: ReviewsQuery<O>, personId: string | Expression<string>): ReviewsQuery<O> =>
  q.where('signal_reviews.person_id', '=', personId).where('signal_reviews.reason', '=', 'death').where('signal_reviews.status', '=', 'open')

/** True while a death or 殡葬 report on the person waits for an agency decision. */
export async function hasOpenDeathReport(db: Db, personId: string): Promise<boolean> {
  return (await findOpenDeathReport(db, personId)) !== undefined
}

/** That report: who reported it and the date it gives (at most one: UNIQUE (person_id, reason)). */
export async function findOpenDeathReport(db: Db, personId: string): Promise<{ source: string; occurred_on: string } | undefined> {
  return openDeathReport(db.selectFrom('signal_reviews').select(['signal_reviews.source', 'signal_reviews.occurred_on']), personId).executeTakeFirst()
}

/** The same, for the person a column of an outer query names (a select's exists()). */
export function openDeathReportExists(personId: Expression<string>) {
  const eb = expressionBuilder<Database, never>()
  return eb.exists(openDeathReport(eb.selectFrom('signal_reviews').select('signal_reviews.id'), personId))
}
