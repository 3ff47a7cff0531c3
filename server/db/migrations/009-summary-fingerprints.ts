/**
 * certification_sessions.summary_fingerprint: the fingerprint of the observation summary a session
 * was completed with (src/core/liveness/fingerprint.ts, text "fp1:…"), so each new summary is
 * compared with every earlier summary of the same person — a re-timed or lightly edited copy of an
 * earlier session is refused (TRACE_REUSED), not just a byte-identical one. Sessions completed before
 * this migration have none (their summaries were never stored); only their byte digest takes part.
 */
import type { Kysely } from 'kysely'
import type { Dialect } from '../schema'

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>, _dialect: Dialect): Promise<void> {
  await db.schema.alterTable('certification_sessions').addColumn('summary_fingerprint', 'text').execute()
  // The comparison reads every fingerprint of one person: certification_sessions_person (person_id,
  // created_at) already serves it.
}
