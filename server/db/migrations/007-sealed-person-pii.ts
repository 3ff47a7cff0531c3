/**
 * A roster person's name, ID number and card number move into one column, persons.pii_enc, sealed
 * together by PiiCipher.sealPerson (one AES-GCM operation per person instead of three: the roster
 * import's largest cost). Existing persons keep their three ciphertexts, unchanged and still
 * encrypted, joined as "fields:<name_enc> <id_number_enc> <card_number_enc>", which openPerson reads;
 * the migration needs no key and decrypts nothing. The three old columns are then dropped.
 */
import { sql, type Kysely } from 'kysely'
import type { Dialect } from '../schema'

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyDb = Kysely<any>

export async function up(db: AnyDb, _dialect: Dialect): Promise<void> {
  await db.schema.alterTable('persons').addColumn('pii_enc', 'text', (c) => c.notNull().defaultTo('')).execute()
  await sql`update persons set pii_enc = 'fields:' || name_enc || ' ' || id_number_enc || ' ' || card_number_enc`.execute(db)
  for (const column of ['name_enc', 'id_number_enc', 'card_number_enc']) await db.schema.alterTable('persons').dropColumn(column).execute()
}
