/** The demo roster stays alive: its dates move with the calendar, so its people keep their roles. */
import { nextCycle } from '../../../src/core/cycle'
import { PiiCipher } from '../../../server/crypto/pii'
import { migrateToLatest } from '../../../server/db/migrate'
import { demoRosterDate, seedDemoRoster } from '../../../server/demo/seed'
import { createTestStore, type TestStore } from '../../support/db'
import { TEST_KEY_V1 } from '../helpers/config'

describe('demoRosterDate', () => {
  it.each([
    ['2025-11-10', '2026-11-27', '2025-11-10'], // the month the roster was written for: unchanged
    ['2025-11-10', '2026-10-01', '2025-11-10'], // never moved backwards
    ['2025-11-10', '2026-12-04', '2025-12-10'],
    ['2025-11-10', '2027-03-01', '2026-03-10'], // across a year end
    ['2026-01-31', '2026-12-01', '2026-02-28'], // a day the new month does not have
    ['2026-01-31', '2027-11-15', '2027-01-31'],
  ])('%s with today %s → %s', (date, today, expected) => {
    expect(demoRosterDate(date, today)).toBe(expected)
  })
})

describe('seedDemoRoster', () => {
  let t: TestStore
  beforeAll(async () => {
    t = await createTestStore('sqlite')
    await migrateToLatest(t.store)
  })
  afterAll(async () => t?.close())

  it('in December 2026, 李建国 is due this month and 王秀英 next April, as in November they were due in November and March', async () => {
    const pii = new PiiCipher({ keys: { v1: TEST_KEY_V1 }, current: 'v1', indexVersion: 'v1' })
    const s = await seedDemoRoster(t.store.db, pii, new Date('2026-12-04T02:00:00Z'), 'rolling12')
    expect(s).toMatchObject({ committed: true, inserted: 7 })
    const last = async (no: string) => (await t.store.db.selectFrom('persons').select('last_certified_on').where('person_no', '=', no).executeTakeFirstOrThrow()).last_certified_on!
    expect(nextCycle(await last('DEMO0002'), 'rolling12').dueMonth).toEqual({ year: 2026, month: 12 })
    expect(nextCycle(await last('DEMO0001'), 'rolling12').dueMonth).toEqual({ year: 2027, month: 4 })
    expect(await last('DEMO0003')).toBe('2025-09-20')
    expect(await seedDemoRoster(t.store.db, pii, new Date(), 'rolling12')).toBeUndefined() // only into an empty roster
  })
})
