import type { Kysely } from 'kysely'
import { migrateTo, migrateToLatest } from '../../../server/db/migrate'
import { insertRecord } from '../../../server/repositories/records'
import { createTestStore, DIALECTS, STORE_SETUP_TIMEOUT_MS, type TestStore } from '../../support/db'

/** A person as release 005 stored one (its three field ciphertexts are placeholders here). */
async function addPersonAt005(t: TestStore, personNo: string): Promise<string> {
  const now = '2026-11-27T02:00:00.000Z'
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  await (t.store.db as unknown as Kysely<any>).insertInto('persons').values({
    id: `id-${personNo}`, person_no: personNo, name_enc: 'v1:x', name_masked: '王*英', id_number_enc: 'v1:x', id_number_hash: `h-${personNo}`, id_number_masked: 'x',
    card_number_enc: 'v1:x', card_number_hash: `c-${personNo}`, insurance_type: 'enterprise', employer: '', benefit_status: 'normal', suspended_since: null,
    last_certified_on: null, region_code: '110101', enrolled_on: '2020-01-01', key_version: 'v1', created_at: now, updated_at: now,
  }).execute()
  return `id-${personNo}`
}

const record = (id: string, personId: string, certifiedAt: string, channel: 'import' | 'weapp', method: 'legacy' | 'face') => ({
  id, person_id: personId, certified_at: certifiedAt, result: 'passed' as const, method, channel, performed_by: 'self' as const, performer_account_id: null, created_at: '2026-01-01T00:00:00.000Z', performer_relation: null, via: null,
})

describe.each(DIALECTS)('migration 006 (roster date on the person) on %s', (dialect) => {
  let t: TestStore
  beforeAll(async () => {
    t = await createTestStore(dialect)
  }, STORE_SETUP_TIMEOUT_MS)
  afterAll(async () => t?.close())

  it('moves each import record into persons.roster_certified_on as its Beijing date, and keeps in-app records', async () => {
    await migrateTo(t.store, '005-reminders')
    const dated = await addPersonAt005(t, 'M1')
    const undated = await addPersonAt005(t, 'M2')
    // Midnight Beijing time is 16:00 UTC the day before: the Beijing date is the roster's date.
    await insertRecord(t.store.db, record('r-import', dated, '2025-08-19T16:00:00.000Z', 'import', 'legacy'))
    await insertRecord(t.store.db, record('r-face', dated, '2026-06-01T03:00:00.000Z', 'weapp', 'face'))
    await insertRecord(t.store.db, record('r-face-2', undated, '2026-06-02T03:00:00.000Z', 'weapp', 'face'))

    expect(await migrateToLatest(t.store)).toContain('006-roster-certified-on')

    const persons = await t.store.db.selectFrom('persons').select(['person_no', 'roster_certified_on']).orderBy('person_no').execute()
    expect(persons).toEqual([
      { person_no: 'M1', roster_certified_on: '2025-08-20' },
      { person_no: 'M2', roster_certified_on: null },
    ])
    const left = await t.store.db.selectFrom('certification_records').select('id').orderBy('id').execute()
    expect(left.map((r) => r.id)).toEqual(['r-face', 'r-face-2'])
  })
})
