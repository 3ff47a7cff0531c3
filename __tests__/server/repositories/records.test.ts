import { migrateToLatest } from '../../../server/db/migrate'
import { findPersonById, updatePerson } from '../../../server/repositories/persons'
import { insertRecord, latestPassOfPerson, latestRecordAndPassOfPerson, latestRecordOfPerson, listRecordsOfPerson } from '../../../server/repositories/records'
import { firstPassSince } from '../../../server/repositories/shares'
import type { PersonRow } from '../../../server/repositories/types'
import { createTestStore, DIALECTS, STORE_SETUP_TIMEOUT_MS, type TestStore } from '../../support/db'
import { addPerson } from '../identity/helpers'

const face = (id: string, personId: string, certifiedAt: string, result: 'passed' | 'failed') => ({
  id, person_id: personId, certified_at: certifiedAt, result, method: 'face' as const, channel: 'weapp' as const, performed_by: 'self' as const, performer_account_id: null, created_at: certifiedAt, performer_relation: null, via: null,
})

describe.each(DIALECTS)('certification history with the roster date on %s', (dialect) => {
  let t: TestStore
  let person: PersonRow
  beforeAll(async () => {
    t = await createTestStore(dialect)
    await migrateToLatest(t.store)
    const id = await addPerson(t, 'H1')
    await updatePerson(t.store.db, id, { roster_certified_on: '2026-03-05' })
    await insertRecord(t.store.db, face('f-june', id, '2026-06-01T03:00:00.000Z', 'passed'))
    await insertRecord(t.store.db, face('f-jan', id, '2026-01-10T03:00:00.000Z', 'failed'))
    person = (await findPersonById(t.store.db, id))!
  }, STORE_SETUP_TIMEOUT_MS)
  afterAll(async () => t?.close())

  const ids = (rows: { id: string }[]) => rows.map((r) => r.id)

  it('lists the roster date among the records, newest first, as a passed legacy import', async () => {
    const rows = await listRecordsOfPerson(t.store.db, person, 10)
    expect(ids(rows)).toEqual(['f-june', `roster-${person.id}`, 'f-jan'])
    expect(rows[1]).toMatchObject({ person_id: person.id, certified_at: '2026-03-04T16:00:00.000Z', result: 'passed', method: 'legacy', channel: 'import', performed_by: 'self' })
  })

  it('pages through it like any record', async () => {
    const first = await listRecordsOfPerson(t.store.db, person, 2)
    expect(ids(first)).toEqual(['f-june', `roster-${person.id}`])
    expect(ids(await listRecordsOfPerson(t.store.db, person, 2, first[1].certified_at))).toEqual(['f-jan'])
    expect(ids(await listRecordsOfPerson(t.store.db, person, 1, first[0].certified_at))).toEqual([`roster-${person.id}`])
  })

  it('is the latest record only when nothing newer exists', async () => {
    expect((await latestRecordOfPerson(t.store.db, person))?.id).toBe('f-june')
    const onlyRoster = (await findPersonById(t.store.db, await addPerson(t, 'H2')))!
    expect(await latestRecordOfPerson(t.store.db, onlyRoster)).toBeUndefined()
    await updatePerson(t.store.db, onlyRoster.id, { roster_certified_on: '2026-02-01' })
    const updated = (await findPersonById(t.store.db, onlyRoster.id))!
    expect(await latestRecordOfPerson(t.store.db, updated)).toMatchObject({ id: `roster-${updated.id}`, certified_at: '2026-01-31T16:00:00.000Z' })
  })

  it('gives the latest record and the latest in-app pass in one call, the same as asked apart', async () => {
    const both = async (p: PersonRow) => {
      const one = await latestRecordAndPassOfPerson(t.store.db, p)
      expect(one.latest).toEqual(await latestRecordOfPerson(t.store.db, p))
      expect(one.lastPass).toEqual(await latestPassOfPerson(t.store.db, p.id))
      return { latest: one.latest?.id, lastPass: one.lastPass?.id }
    }
    expect(await both(person)).toEqual({ latest: 'f-june', lastPass: 'f-june' })
    const p3 = await addPerson(t, 'H3')
    await updatePerson(t.store.db, p3, { roster_certified_on: '2026-09-01' })
    await insertRecord(t.store.db, face('h3-pass', p3, '2026-05-01T03:00:00.000Z', 'passed'))
    await insertRecord(t.store.db, face('h3-fail', p3, '2026-07-01T03:00:00.000Z', 'failed'))
    // The roster date is the newest record but not an in-app pass.
    expect(await both((await findPersonById(t.store.db, p3))!)).toEqual({ latest: `roster-${p3}`, lastPass: 'h3-pass' })
    const p4 = await addPerson(t, 'H4')
    await insertRecord(t.store.db, face('h4-fail', p4, '2026-07-01T03:00:00.000Z', 'failed'))
    expect(await both((await findPersonById(t.store.db, p4))!)).toEqual({ latest: 'h4-fail', lastPass: undefined })
    expect(await both((await findPersonById(t.store.db, await addPerson(t, 'H5')))!)).toEqual({ latest: undefined, lastPass: undefined })
  })

  it('counts the roster date as a pass for share cards created before it', async () => {
    expect(await firstPassSince(t.store.db, person.id, '2026-03-01T00:00:00.000Z')).toEqual({ certified_at: '2026-03-04T16:00:00.000Z' })
    expect(await firstPassSince(t.store.db, person.id, '2026-03-05T00:00:00.000Z')).toEqual({ certified_at: '2026-06-01T03:00:00.000Z' })
    expect(await firstPassSince(t.store.db, person.id, '2026-07-01T00:00:00.000Z')).toBeUndefined()
  })
})
