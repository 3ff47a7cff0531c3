/** signal_reviews (migration 020): persons another department reported dead, awaiting the agency. */
import type { Db } from './types'

/** True while a death or 殡葬 report on the person waits for an agency decision. */
export async function hasOpenDeathReport(db: Db, personId: string): Promise<boolean> {
  const row = await db.selectFrom('signal_reviews').select('id').where('person_id', '=', personId).where('reason', '=', 'death').where('status', '=', 'open').executeTakeFirst()
  return row !== undefined
}
