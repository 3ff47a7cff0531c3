import type { Kysely } from 'kysely'
import { migrateTo, migrateToLatest } from '../../../server/db/migrate'
import { createTestStore, DIALECTS, STORE_SETUP_TIMEOUT_MS, type TestStore } from '../../support/db'

describe.each(DIALECTS)('migration 014 (the authoritative last pass) on %s', (dialect) => {
  let t: TestStore
  beforeAll(async () => {
    t = await createTestStore(dialect)
  }, STORE_SETUP_TIMEOUT_MS)
  afterAll(async () => t?.close())

  it('sets last_certified_on to the later of the roster date and every passed record (Beijing date), leaves persons with neither', async () => {
    await migrateTo(t.store, '013-job-leases')
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const db = t.store.db as unknown as Kysely<any>
    const now = '2026-11-27T02:00:00.000Z'
    const person = (no: string, roster: string | null, last: string | null) => ({
      id: `id-${no}`, person_no: no, pii_enc: 'v1:x', name_masked: '王*英', id_number_hash: `h-${no}`, id_number_masked: 'x', insurance_type: 'enterprise', employer: '',
      benefit_status: 'normal', suspended_since: null, last_certified_on: last, roster_certified_on: roster, region_code: '110101', enrolled_on: '2020-01-01', key_version: 'v1', created_at: now, updated_at: now,
    })
    const record = (id: string, no: string, at: string, result: 'passed' | 'failed') => ({
      id, person_id: `id-${no}`, certified_at: at, result, method: 'face', channel: 'weapp', performed_by: 'self', performer_account_id: null, created_at: at, performer_relation: null, via: null,
    })
    await db.insertInto('persons').values([
      person('A', '2025-08-20', '2025-08-20'), // passed later in the app, but a re-import moved the column back
      person('B', '2026-03-01', '2026-03-01'), // the roster is later than the in-app pass
      person('C', null, null), // in-app only; 16:00Z is the next Beijing day
      person('D', null, '2026-01-05'), // neither fact: kept
      person('E', '2026-02-02', null),
    ]).execute()
    await db.insertInto('certification_records').values([
      record('r1', 'A', '2026-06-01T16:30:00.000Z', 'passed'),
      record('r2', 'A', '2026-07-01T03:00:00.000Z', 'failed'),
      record('r3', 'B', '2025-12-01T03:00:00.000Z', 'passed'),
      record('r4', 'C', '2026-05-31T16:00:00.000Z', 'passed'),
      record('r5', 'C', '2026-04-01T03:00:00.000Z', 'passed'),
    ]).execute()

    expect(await migrateToLatest(t.store)).toContain('014-standing')
    const rows = await db.selectFrom('persons').select(['person_no', 'last_certified_on']).orderBy('person_no').execute()
    expect(rows).toEqual([
      { person_no: 'A', last_certified_on: '2026-06-02' },
      { person_no: 'B', last_certified_on: '2026-03-01' },
      { person_no: 'C', last_certified_on: '2026-06-01' },
      { person_no: 'D', last_certified_on: '2026-01-05' },
      { person_no: 'E', last_certified_on: '2026-02-02' },
    ])
  })
})
