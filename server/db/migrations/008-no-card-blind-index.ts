/**
 * persons.card_number_hash goes: the card number is only ever compared after the person has been
 * found by the ID-number blind index (binding by hand, roster re-import), and the sealed person
 * (persons.pii_enc) already holds it. One keyed hash of personal data less at rest, and one HMAC
 * less per roster row.
 */
import type { Kysely } from 'kysely'
import type { Dialect } from '../schema'

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>, _dialect: Dialect): Promise<void> {
  await db.schema.alterTable('persons').dropColumn('card_number_hash').execute()
}
