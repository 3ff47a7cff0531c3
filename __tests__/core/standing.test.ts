import fc from 'fast-check'
import { CYCLE_POLICIES, firstCycle, nextCycle, statusOn, type CyclePolicy } from '@/core/cycle'
import { dueMonthSources } from '@/core/reminders/policy'
import { monthsSuspended, overdueBounds, standingBounds, standingOf, type StandingFacts } from '@/core/standing'

const normal = (lastCertifiedOn: string | null, enrolledOn = '2020-01-01'): StandingFacts => ({ lastCertifiedOn, enrolledOn, benefitStatus: 'normal', suspendedSince: null })

describe('standingOf', () => {
  it('a pass in November 2025 is certified until October 2026, due in November, suspended from December', () => {
    expect(standingOf(normal('2025-11-10'), '2026-10-31', 'rolling12')).toMatchObject({ state: 'certified', dueMonth: { year: 2026, month: 11 }, monthsOverdue: 0 })
    expect(standingOf(normal('2025-11-10'), '2026-11-01', 'rolling12')).toMatchObject({ state: 'due', monthsOverdue: 0 })
    expect(standingOf(normal('2025-11-10'), '2026-11-30', 'rolling12').suspendedSince).toBeUndefined()
    expect(standingOf(normal('2025-11-10'), '2026-12-01', 'rolling12')).toMatchObject({ state: 'overdue_suspended', suspendedSince: '2026-12-01', monthsOverdue: 1 })
    expect(standingOf(normal('2025-11-10'), '2027-02-15', 'rolling12')).toMatchObject({ state: 'overdue_suspended', monthsOverdue: 3 })
  })

  it('never certified: due in the enrolment month', () => {
    expect(standingOf(normal(null, '2026-11-03'), '2026-11-27', 'rolling12')).toMatchObject({ state: 'due', dueMonth: { year: 2026, month: 11 } })
    expect(standingOf(normal(null, '2026-10-03'), '2026-11-27', 'rolling12')).toMatchObject({ state: 'overdue_suspended', suspendedSince: '2026-11-01', monthsOverdue: 1 })
  })

  it('suspended on the roster: overdue whatever the dates, since the roster says, else since the window ran out', () => {
    const s = standingOf({ lastCertifiedOn: '2026-06-01', enrolledOn: '2020-01-01', benefitStatus: 'suspended', suspendedSince: '2026-09-01' }, '2026-11-27', 'rolling12')
    expect(s).toMatchObject({ state: 'overdue_suspended', suspendedSince: '2026-09-01', monthsOverdue: 3, dueMonth: { year: 2027, month: 6 } })
    const noDate = standingOf({ lastCertifiedOn: '2026-06-01', enrolledOn: '2020-01-01', benefitStatus: 'suspended', suspendedSince: null }, '2026-11-27', 'rolling12')
    expect(noDate).toMatchObject({ state: 'overdue_suspended', suspendedSince: '2027-07-01', monthsOverdue: 1 })
  })

  it('says what suspended payment: the agency before the deadline, or the deadline passing', () => {
    const suspended = (lastCertifiedOn: string): StandingFacts => ({ lastCertifiedOn, enrolledOn: '2020-01-01', benefitStatus: 'suspended', suspendedSince: '2026-11-10' })
    // certified in June 2026: due again in June 2027, so a suspension in November is the agency's
    expect(standingOf(suspended('2026-06-01'), '2026-11-27', 'rolling12')).toMatchObject({ state: 'overdue_suspended', suspendedBy: 'agency' })
    // last pass in August 2025: the deadline passed in August 2026, whatever the roster says
    expect(standingOf(suspended('2025-08-20'), '2026-11-27', 'rolling12')).toMatchObject({ state: 'overdue_suspended', suspendedBy: 'deadline' })
    expect(standingOf(normal('2025-08-20'), '2026-11-27', 'rolling12')).toMatchObject({ state: 'overdue_suspended', suspendedBy: 'deadline' })
    expect(standingOf(normal('2026-06-01'), '2026-11-27', 'rolling12').suspendedBy).toBeUndefined()
  })

  it('months suspended count the current month and are at least 1', () => {
    expect(monthsSuspended('2026-09-01', '2026-11-27')).toBe(3)
    expect(monthsSuspended('2027-01-01', '2026-11-27')).toBe(1)
  })
})

// Any date between 2018 and 2031 (days up to 28 keep every month valid; month ends are covered by the
// boundaries below).
const date = fc
  .record({ y: fc.integer({ min: 2018, max: 2031 }), m: fc.integer({ min: 1, max: 12 }), d: fc.constantFrom(1, 2, 15, 27, 28) })
  .map(({ y, m, d }) => `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`)
const policy = fc.constantFrom<CyclePolicy>(...CYCLE_POLICIES)

describe('standingOf agrees with the cycle and with its SQL ranges (properties)', () => {
  it('matches statusOn over nextCycle / firstCycle for a normal person', () => {
    fc.assert(
      fc.property(fc.option(date, { nil: null }), date, date, policy, (last, enrolled, today, p) => {
        const window = last ? nextCycle(last, p) : firstCycle(enrolled)
        expect(standingOf(normal(last, enrolled), today, p).state).toBe(statusOn(window, today))
      }),
      { numRuns: 500 },
    )
  })

  it('the state is the range of last_certified_on / enrolled_on that standingBounds names', () => {
    fc.assert(
      fc.property(fc.option(date, { nil: null }), date, date, policy, (last, enrolled, today, p) => {
        const b = standingBounds(today, p)
        const key = last ?? enrolled
        const [overdueBefore, dueBefore] = last ? [b.passOverdueBefore, b.passDueBefore] : [b.enrolOverdueBefore, b.enrolDueBefore]
        const ranged = key < overdueBefore ? 'overdue_suspended' : key < dueBefore ? 'due' : 'certified'
        expect(ranged).toBe(standingOf(normal(last, enrolled), today, p).state)
      }),
      { numRuns: 1000 },
    )
  })

  it('"overdue at least m months" is the range overdueBounds names, for normal and suspended persons', () => {
    fc.assert(
      fc.property(fc.option(date, { nil: null }), date, fc.option(date, { nil: null }), fc.boolean(), date, policy, fc.integer({ min: 1, max: 60 }), (last, enrolled, since, suspended, today, p, m) => {
        const facts: StandingFacts = { lastCertifiedOn: last, enrolledOn: enrolled, benefitStatus: suspended ? 'suspended' : 'normal', suspendedSince: suspended ? since : null }
        const s = standingOf(facts, today, p)
        const b = overdueBounds(today, p, m)
        const window = last ? nextCycle(last, p) : firstCycle(enrolled)
        const ranged = suspended
          ? m <= 1 || (since ?? window.overdueFrom) < b.suspendedBefore
          : last
            ? last < b.passBefore
            : enrolled < b.enrolBefore
        expect(ranged).toBe(s.state === 'overdue_suspended' && s.monthsOverdue >= m)
      }),
      { numRuns: 1000 },
    )
  })

  it('the reminder sweep picks exactly the persons whose standing is due in that month (dueMonthSources over the same column)', () => {
    fc.assert(
      fc.property(fc.option(date, { nil: null }), date, policy, (last, enrolled, p) => {
        const { dueMonth } = standingOf(normal(last, enrolled), '2026-11-27', p)
        const sources = dueMonthSources(dueMonth, p)
        const key = last ?? enrolled
        const range = last ? sources.lastPassBetween : sources.enrolledBetween
        expect(range && key >= range[0] && key <= range[1]).toBe(true)
        // …and no other month's sources pick the person.
        const other = dueMonthSources({ year: dueMonth.year, month: (dueMonth.month % 12) + 1 }, p)
        const otherRange = last ? other.lastPassBetween : other.enrolledBetween
        expect(!!otherRange && key >= otherRange[0] && key <= otherRange[1]).toBe(false)
      }),
      { numRuns: 500 },
    )
  })

  it('a later pass never makes the standing worse', () => {
    const rank = { overdue_suspended: 0, due: 1, certified: 2 } as const
    fc.assert(
      fc.property(date, date, date, policy, (a, b, today, p) => {
        const [early, late] = a <= b ? [a, b] : [b, a]
        expect(rank[standingOf(normal(late), today, p).state]).toBeGreaterThanOrEqual(rank[standingOf(normal(early), today, p).state])
      }),
    )
  })
})
