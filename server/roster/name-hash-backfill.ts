/**
 * Fills persons.name_hash (migration 016) for persons stored before it existed. The hash needs the
 * PII keys and the plaintext name, which SQL never sees: so it runs here, at start, with the cipher,
 * not in the migration (a migration has no key; 007 set that rule). Batches keyed by id, so any
 * number of persons goes through in bounded memory; a second instance starting at once writes the
 * same values. A ciphertext that does not open (a key no longer configured) is left NULL and
 * counted: that person is found by 个人编号 or ID number, never by a wrong name.
 */
import { sql } from 'kysely'
import type { PiiCipher } from '../crypto/pii'
import { nameHash } from '../crypto/pii-fields'
import type { Db } from '../repositories/types'

const BATCH = 500

export interface NameHashBackfill {
  filled: number
  unreadable: number
}

export async function backfillNameHashes(db: Db, pii: PiiCipher, opts: { stop?: () => boolean } = {}): Promise<NameHashBackfill> {
  const out: NameHashBackfill = { filled: 0, unreadable: 0 }
  let after = ''
  for (;;) {
    // A closing backend stops between batches; the next start picks up where this one left off.
    if (opts.stop?.()) return out
    const rows = await db
      .selectFrom('persons')
      .select(['id', 'pii_enc'])
      .where('name_hash', 'is', null)
      .where('id', '>', after)
      .orderBy('id')
      .limit(BATCH)
      .execute()
    if (rows.length === 0) return out
    after = rows[rows.length - 1].id
    const hashes: { id: string; hash: string }[] = []
    for (const r of rows) {
      try {
        hashes.push({ id: r.id, hash: nameHash(pii, pii.openPerson(r.pii_enc).name) })
      } catch {
        out.unreadable++
      }
    }
    if (hashes.length === 0) continue
    // One statement per batch (a round trip per person would take minutes on PostgreSQL at a million).
    const cases = sql.join(hashes.map((h) => sql`when ${h.id} then ${h.hash}`), sql` `)
    await sql`update persons set name_hash = case id ${cases} end where id in (${sql.join(hashes.map((h) => h.id))}) and name_hash is null`.execute(db)
    out.filled += hashes.length
  }
}
