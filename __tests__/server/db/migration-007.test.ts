import type { Kysely } from 'kysely'
import { PiiCipher } from '../../../server/crypto/pii'
import { migrateTo, migrateToLatest } from '../../../server/db/migrate'
import { createTestStore, DIALECTS, STORE_SETUP_TIMEOUT_MS, type TestStore } from '../../support/db'
import { TEST_KEY_V1 } from '../helpers/config'

const pii = new PiiCipher({ keys: { v1: TEST_KEY_V1 }, current: 'v1', indexVersion: 'v1' })

describe.each(DIALECTS)('migration 007 (person fields sealed together) on %s', (dialect) => {
  let t: TestStore
  beforeAll(async () => {
    t = await createTestStore(dialect)
  }, STORE_SETUP_TIMEOUT_MS)
  afterAll(async () => t?.close())

  it('keeps each stored person readable without decrypting anything, and drops the three old columns', async () => {
    await migrateTo(t.store, '006-roster-certified-on')
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const db = t.store.db as unknown as Kysely<any>
    const now = '2026-11-27T02:00:00.000Z'
    await db.insertInto('persons').values({
      id: 'p1', person_no: 'S1', name_enc: pii.encrypt('name', '王秀英'), name_masked: '王*英', id_number_enc: pii.encrypt('id_number', '110101195203140127'),
      id_number_hash: 'h1', id_number_masked: '110***********0127', card_number_enc: pii.encrypt('card_number', 'A00000001'), card_number_hash: 'c1',
      insurance_type: 'enterprise', employer: '', benefit_status: 'normal', suspended_since: null, last_certified_on: null, region_code: '110101',
      enrolled_on: '2026-01-01', key_version: 'v1', created_at: now, updated_at: now,
    }).execute()

    expect(await migrateToLatest(t.store)).toContain('007-sealed-person-pii')

    const row = await t.store.db.selectFrom('persons').selectAll().where('id', '=', 'p1').executeTakeFirstOrThrow()
    expect(row.pii_enc.startsWith('fields:v1:')).toBe(true)
    expect(pii.openPerson(row.pii_enc)).toEqual({ name: '王秀英', idNumber: '110101195203140127', cardNumber: 'A00000001' })
    // 007 drops the three field columns; 008 the card number's blind index.
    for (const dropped of ['name_enc', 'id_number_enc', 'card_number_enc', 'card_number_hash']) expect(Object.keys(row)).not.toContain(dropped)
  })
})
