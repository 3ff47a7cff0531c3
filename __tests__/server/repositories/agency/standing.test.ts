/**
 * The console and the 首页 never disagree: for generated persons (roster dates, passed and failed
 * records written through the one pass path, suspensions, enrolment dates, around month boundaries)
 * the set-based counts and overdue list equal standingOf and the status service, on both stores.
 */
import type { CyclePolicy } from '../../../../src/core/cycle'
import { INSURANCE_TYPES } from '../../../../src/core/insurance'
import { standingFactsOf, standingOf } from '../../../../src/core/standing'
import { newId } from '../../../../server/db/ids'
import type { Insertable } from 'kysely'
import type { PersonsTable } from '../../../../server/db/schema'
import { allOverdue, countOverdue, overdueList, prefixRange, standingCounts, standingCountsBySubRegion } from '../../../../server/repositories/agency/standing'
import { overdueAt, overdueAtEach } from '../../../../server/repositories/agency/overview'
import { insertPerson } from '../../../../server/repositories/persons'
import { insertRecord } from '../../../../server/repositories/records'
import type { PersonRow } from '../../../../server/repositories/types'
import type { ServiceContext } from '../../../../server/services/context'
import { applyPass } from '../../../../server/services/passes'
import { personStatusView } from '../../../../server/services/status'
import { shanghaiDate } from '../../../../server/time/clock'
import { DIALECTS, migratedStoreFor, STORE_SETUP_TIMEOUT_MS } from '../../../support/db'

/** A small seeded generator (mulberry32): the same persons on every run and both stores. */
function rng(seed: number): () => number {
  let a = seed
  return () => {
    a |= 0
    a = (a + 0x6d2b79f5) | 0
    let t = Math.imul(a ^ (a >>> 15), 1 | a)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const REGIONS = ['430102', '430103', '430211', '439901', '439999', '440101']
const PREFIXES = ['', '43', '4301', '430102', '4399', '439999', '44', '45']
const TODAYS = ['2026-11-30', '2026-12-01', '2027-01-01', '2027-02-28']
const POLICIES: CyclePolicy[] = ['rolling12', 'calendarYear', 'rolling6']

/** A day near a month boundary (or mid-month) between 2024-06 and 2027-02. */
function dateFrom(r: () => number): string {
  const idx = 2024 * 12 + 5 + Math.floor(r() * 33)
  const y = Math.floor(idx / 12)
  const m = (idx % 12) + 1
  const last = new Date(Date.UTC(y, m, 0)).getUTCDate()
  const day = [1, 2, 15, last - 1, last][Math.floor(r() * 5)]
  return `${y}-${String(m).padStart(2, '0')}-${String(day).padStart(2, '0')}`
}

/** A pass time around Beijing midnight: 15:59Z is the same Beijing day, 16:00Z the next one. */
const passAt = (r: () => number, date: string): string => `${date}T${['00:30', '15:59', '16:00', '23:30'][Math.floor(r() * 4)]}:00.000Z`

describe.each(DIALECTS)('agency standing read on %s', (dialect) => {
  const t = migratedStoreFor(dialect)
  let persons: PersonRow[] = []

  beforeAll(async () => {
    const r = rng(15)
    const db = t.store.db
    for (let i = 0; i < 240; i++) {
      const id = newId()
      const roster = r() < 0.8 ? dateFrom(r) : null
      const row: Insertable<PersonsTable> = {
        id,
        person_no: `P${String(i).padStart(5, '0')}`,
        pii_enc: 'v1:x',
        name_masked: '王*英',
        id_number_hash: `hash-${id}`,
        id_number_masked: '1101**********0127',
        insurance_type: INSURANCE_TYPES[Math.floor(r() * 3)],
        employer: '示例单位',
        benefit_status: 'normal',
        suspended_since: null,
        // As the roster import writes a new person: both columns from 上次认证日期.
        last_certified_on: roster,
        roster_certified_on: roster,
        region_code: REGIONS[Math.floor(r() * REGIONS.length)],
        enrolled_on: dateFrom(r),
        key_version: 'v1',
        created_at: '2024-01-01T00:00:00.000Z',
        updated_at: '2024-01-01T00:00:00.000Z',
      }
      await insertPerson(db, row)
      const tries = Math.floor(r() * 3)
      for (let k = 0; k < tries; k++) {
        const at = passAt(r, dateFrom(r))
        const passed = r() < 0.7
        await db.transaction().execute(async (trx) => {
          const recordId = newId()
          await insertRecord(trx, { id: recordId, person_id: id, certified_at: at, result: passed ? 'passed' : 'failed', method: 'face', channel: 'h5', performed_by: 'self', performer_account_id: null, created_at: at })
          if (passed) await applyPass(trx, { cyclePolicy: 'rolling12' }, { personId: id, passDate: shanghaiDate(new Date(at)), nowIso: at })
        })
      }
      // A later roster suspension (with or without its date).
      if (r() < 0.2) await db.updateTable('persons').set({ benefit_status: 'suspended', suspended_since: r() < 0.7 ? dateFrom(r) : null }).where('id', '=', id).execute()
    }
    persons = await db.selectFrom('persons').selectAll().orderBy('region_code').orderBy('person_no').execute()
  }, STORE_SETUP_TIMEOUT_MS)

  const inPrefix = (prefix: string) => persons.filter((p) => p.region_code.startsWith(prefix))

  it('the last pass is the later of the roster date and every passed record (the one pass path keeps it so)', async () => {
    const passes = await t.store.db.selectFrom('certification_records').select(['person_id', 'certified_at']).where('result', '=', 'passed').execute()
    for (const p of persons) {
      const dates = passes.filter((x) => x.person_id === p.id).map((x) => shanghaiDate(new Date(x.certified_at)))
      if (p.roster_certified_on) dates.push(p.roster_certified_on)
      expect(p.last_certified_on).toBe(dates.sort().at(-1) ?? null)
    }
  })

  it.each(POLICIES)('counts per region equal standingOf, every day and prefix (%s)', async (policy) => {
    // The generated persons reach every state (and both kinds of suspension), so the comparison means something.
    const seen = new Set(TODAYS.flatMap((today) => persons.map((p) => standingOf(standingFactsOf(p), today, policy).state)))
    expect([...seen].sort()).toEqual(['certified', 'due', 'overdue_suspended'])
    expect(persons.some((p) => p.benefit_status === 'suspended' && p.suspended_since === null)).toBe(true)
    expect(persons.some((p) => p.benefit_status === 'suspended' && p.suspended_since !== null)).toBe(true)
    // ...and a suspension before the deadline as well as after it.
    const by = new Set(TODAYS.flatMap((today) => persons.map((p) => standingOf(standingFactsOf(p), today, policy).suspendedBy)))
    expect(by.has('agency') && by.has('deadline')).toBe(true)
    for (const today of TODAYS) {
      for (const prefix of PREFIXES) {
        const standings = inPrefix(prefix).map((p) => standingOf(standingFactsOf(p), today, policy))
        const states = standings.map((s) => s.state)
        const counts = await standingCounts(t.store.db, prefix, today, policy)
        expect({ today, prefix, ...counts }).toEqual({
          today,
          prefix,
          persons: states.length,
          certified: states.filter((s) => s === 'certified').length,
          due: states.filter((s) => s === 'due').length,
          overdue: states.filter((s) => s === 'overdue_suspended').length,
          suspended: inPrefix(prefix).filter((p) => p.benefit_status === 'suspended').length,
          agencySuspended: standings.filter((s) => s.suspendedBy === 'agency').length,
        })
        // Per next-level sub-region (the coverage chart), the same definition.
        const length = Math.min(12, prefix.length + 2)
        const bySub = await standingCountsBySubRegion(t.store.db, prefix, length, today, policy)
        const subs = [...new Set(inPrefix(prefix).map((p) => p.region_code.slice(0, length)))].sort()
        expect(bySub.map((c) => c.regionCode)).toEqual(subs)
        for (const c of bySub) {
          const mine = inPrefix(c.regionCode).map((p) => standingOf(standingFactsOf(p), today, policy).state)
          expect(c).toMatchObject({ persons: mine.length, certified: mine.filter((x) => x === 'certified').length, due: mine.filter((x) => x === 'due').length })
        }
      }
    }
  })

  it.each(POLICIES)('the overdue list (every filter, paged by keyset) is exactly the persons standingOf calls overdue (%s)', async (policy) => {
    for (const today of TODAYS) {
      for (const [prefix, subRegion] of [['43', undefined], ['', '4301'], ['4301', '430102'], ['4301', '4302'], ['439999', undefined]] as const) {
        for (const minMonthsOverdue of [1, 2, 4, 13]) {
          for (const insuranceType of [undefined, 'enterprise'] as const) {
            const expected = inPrefix(prefix)
              .filter((p) => (subRegion === undefined || p.region_code.startsWith(subRegion)) && (!insuranceType || p.insurance_type === insuranceType))
              .map((p) => ({ p, s: standingOf(standingFactsOf(p), today, policy) }))
              .filter(({ s }) => s.state === 'overdue_suspended' && s.monthsOverdue >= minMonthsOverdue)
            const filter = { regionPrefix: prefix, ...(subRegion ? { subRegion } : {}), ...(insuranceType ? { insuranceType } : {}), minMonthsOverdue }
            const got = []
            // Small pages for the widest filter (many keyset steps), larger ones elsewhere (fewer round trips).
            const pageSize = minMonthsOverdue === 1 && !insuranceType ? 7 : 50
            for await (const row of allOverdue(t.store.db, filter, today, policy, pageSize)) got.push(row)
            expect({ today, filter, ids: got.map((g) => g.personId) }).toEqual({ today, filter, ids: expected.map(({ p }) => p.id) })
            expect(await countOverdue(t.store.db, filter, today, policy)).toBe(expected.length)
            for (const [i, { p, s }] of expected.entries()) {
              expect(got[i]).toMatchObject({
                personNo: p.person_no,
                regionCode: p.region_code,
                lastCertifiedOn: p.last_certified_on,
                monthsOverdue: s.monthsOverdue,
                suspendedSince: s.suspendedSince,
                dueMonth: `${s.dueMonth.year}-${String(s.dueMonth.month).padStart(2, '0')}`,
              })
            }
          }
        }
      }
    }
  }, 60_000)

  it('the 首页 (status service) shows every person in the state the console counts them in', async () => {
    for (const today of TODAYS) {
      const ctx = { db: t.store.db, cyclePolicy: 'rolling12', clock: () => new Date(`${today}T12:00:00+08:00`) } as unknown as ServiceContext
      const overdue = new Set((await overdueList(t.store.db, { regionPrefix: '' }, today, 'rolling12', { limit: 10_000 })).map((r) => r.personId))
      for (const p of persons) {
        const view = await personStatusView(ctx, p)
        expect({ id: p.id, today, overdue: view.status === 'overdue_suspended' }).toEqual({ id: p.id, today, overdue: overdue.has(p.id) })
        expect(view.status).toBe(standingOf(standingFactsOf(p), today, 'rolling12').state)
      }
    }
  }, 60_000)

  it('the overdue trend (overdue at a month start, from records and roster dates) follows its definition', async () => {
    const passes = await t.store.db.selectFrom('certification_records').select(['person_id', 'certified_at']).where('result', '=', 'passed').execute()
    let agencySeen = 0
    for (const day of ['2025-06-01', '2026-01-01', '2026-09-01', '2026-12-01', '2027-02-01']) {
      for (const prefix of ['', '4301', '44']) {
        const onRoster = inPrefix(prefix).filter((p) => p.enrolled_on < day)
        const suspended = (p: PersonRow) => p.benefit_status === 'suspended' && p.suspended_since !== null && p.suspended_since <= day
        const late = (p: PersonRow) => {
          const before = passes.filter((x) => x.person_id === p.id).map((x) => shanghaiDate(new Date(x.certified_at))).filter((d) => d < day)
          if (p.roster_certified_on && p.roster_certified_on < day) before.push(p.roster_certified_on)
          const asOf = before.sort().at(-1) ?? null
          return standingOf({ lastCertifiedOn: asOf, enrolledOn: p.enrolled_on, benefitStatus: 'normal', suspendedSince: null }, day, 'rolling12').state === 'overdue_suspended'
        }
        const expected = onRoster.filter((p) => suspended(p) || late(p)).length
        // suspended by the agency before the deadline: on the roster's suspension, not late by the dates
        const agency = onRoster.filter((p) => suspended(p) && !late(p)).length
        expect({ day, prefix, n: await overdueAt(t.store.db, prefix, day, 'rolling12') }).toEqual({ day, prefix, n: expected })
        expect({ day, prefix, ...(await overdueAtEach(t.store.db, prefix, [day], 'rolling12'))[0] }).toEqual({ day, prefix, overdue: expected, agencySuspended: agency })
        agencySeen += agency
      }
    }
    // the persons include agency suspensions before the deadline, so the second sum is tested on real cases
    expect(agencySeen).toBeGreaterThan(0)
    // Several days in one statement give the same numbers as one by one.
    const days = ['2025-06-01', '2026-01-01', '2026-09-01', '2026-12-01', '2027-02-01']
    const each = await overdueAtEach(t.store.db, '43', days, 'rolling12')
    expect(each.map((n) => n.overdue)).toEqual(await Promise.all(days.map((d) => overdueAt(t.store.db, '43', d, 'rolling12'))))
    expect(each.some((n) => n.overdue > 0)).toBe(true)
  })

  it('region prefixes are index ranges of digits', () => {
    expect(prefixRange('4301')).toEqual({ lo: '4301', hi: '4302' })
    expect(prefixRange('4399')).toEqual({ lo: '4399', hi: '44' })
    expect(prefixRange('99')).toEqual({ lo: '99' })
    expect(() => prefixRange("43' or 1=1")).toThrow(RangeError)
  })
})
