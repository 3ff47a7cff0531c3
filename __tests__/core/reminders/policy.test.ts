import fc from 'fast-check'
import { nextCycle, firstCycle, CYCLE_POLICIES } from '@/core/cycle'
import {
  addDays,
  backoffMs,
  beijingDateOf,
  classifySend,
  cycleId,
  DEFAULT_REMINDER_POLICY as P,
  dueMonthSources,
  inSendWindow,
  isLate,
  kindFor,
  kindWindows,
  lastDayOf,
  parseSendWindow,
  sweepTargets,
} from '@/core/reminders/policy'

const targets = (today: string) => sweepTargets(today, P).map((t) => `${t.kind}@${cycleId(t.dueMonth)}`)

describe('reminder kinds and windows', () => {
  it('default kinds: due_30 (30…8 days left), due_7 (7…2), due_1 (1…0), overdue_1 (overdue days 1…7)', () => {
    expect(kindWindows(P)).toEqual([
      { kind: 'due_30', min: 8, max: 30, overdue: false },
      { kind: 'due_7', min: 2, max: 7, overdue: false },
      { kind: 'due_1', min: 0, max: 1, overdue: false },
      { kind: 'overdue_1', min: 1, max: 7, overdue: true },
    ])
  })

  it('due on 31 March: 30/7/1 days before cross the month boundary, overdue from 1 April', () => {
    expect(targets('2027-02-28')).not.toContain('due_30@2027-03')
    expect(targets('2027-03-01')).toContain('due_30@2027-03') // exactly 30 days before
    expect(targets('2027-03-23')).toContain('due_30@2027-03') // 8 days left: still due_30
    expect(targets('2027-03-24')).toContain('due_7@2027-03')
    expect(targets('2027-03-30')).toContain('due_1@2027-03')
    expect(targets('2027-03-31')).toContain('due_1@2027-03') // the deadline itself
    expect(targets('2027-04-01')).toContain('overdue_1@2027-03')
    expect(targets('2027-04-07')).toContain('overdue_1@2027-03')
    expect(targets('2027-04-08')).not.toContain('overdue_1@2027-03')
  })

  it('leap years: due February 2028 (29 days) vs February 2027 (28 days)', () => {
    expect(lastDayOf({ year: 2028, month: 2 })).toBe('2028-02-29')
    expect(targets('2028-01-30')).toContain('due_30@2028-02')
    expect(targets('2028-01-29')).not.toContain('due_30@2028-02')
    expect(targets('2028-02-28')).toContain('due_1@2028-02')
    expect(targets('2028-03-01')).toContain('overdue_1@2028-02')
    expect(targets('2027-01-29')).toContain('due_30@2027-02')
    expect(targets('2027-02-27')).toContain('due_1@2027-02')
    expect(targets('2027-03-01')).toContain('overdue_1@2027-02')
  })

  it('midnight in UTC+8: 15:59:59Z is still the 30th, 16:00Z is the 31st', () => {
    expect(beijingDateOf(new Date('2027-03-30T15:59:59.999Z'))).toBe('2027-03-30')
    expect(beijingDateOf(new Date('2027-03-30T16:00:00.000Z'))).toBe('2027-03-31')
    expect(beijingDateOf(new Date('2026-12-31T16:00:00.000Z'))).toBe('2027-01-01')
  })

  it('every day of every month has exactly one kind per due month at most, and windows tile the 30 days before the deadline', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2000, max: 2098 }), fc.integer({ min: 1, max: 12 }), fc.integer({ min: -10, max: 40 }), (year, month, before) => {
        const dm = { year, month }
        const today = addDays(lastDayOf(dm), -before)
        const kinds = sweepTargets(today, P).filter((t) => t.dueMonth.year === year && t.dueMonth.month === month)
        expect(kinds.length).toBeLessThanOrEqual(1)
        const expected = before > 30 ? undefined : before >= 8 ? 'due_30' : before >= 2 ? 'due_7' : before >= 0 ? 'due_1' : before >= -7 ? 'overdue_1' : undefined
        expect(kindFor(dm, today, P)).toBe(expected)
        if (expected) expect(isLate(expected, dm, today, P)).toBe(false)
      }),
    )
  })

  it('a due_30 is late once due_7 starts; overdue_1 is late after the overdue window', () => {
    const march = { year: 2027, month: 3 }
    expect(isLate('due_30', march, '2027-03-23', P)).toBe(false)
    expect(isLate('due_30', march, '2027-03-24', P)).toBe(true)
    expect(isLate('overdue_1', march, '2027-04-08', P)).toBe(true)
    expect(isLate('result', march, '2030-01-01', P)).toBe(false)
  })
})

describe('due month sources mirror nextCycle / firstCycle', () => {
  it.each(CYCLE_POLICIES)('%s', (policy) => {
    fc.assert(
      fc.property(fc.date({ min: new Date('2000-01-01'), max: new Date('2090-12-31'), noInvalidDate: true }), (d) => {
        const date = d.toISOString().slice(0, 10)
        const due = nextCycle(date, policy).dueMonth
        const s = dueMonthSources(due, policy)
        expect(s.lastPassBetween).toBeDefined()
        expect(date >= s.lastPassBetween![0] && date <= s.lastPassBetween![1]).toBe(true)
        const first = firstCycle(date).dueMonth
        const f = dueMonthSources(first, policy).enrolledBetween
        expect(date >= f[0] && date <= f[1]).toBe(true)
      }),
    )
  })
  it('calendarYear: only December has certified persons due', () => {
    expect(dueMonthSources({ year: 2027, month: 11 }, 'calendarYear').lastPassBetween).toBeUndefined()
    expect(dueMonthSources({ year: 2027, month: 12 }, 'calendarYear').lastPassBetween).toEqual(['2026-01-01', '2026-12-31'])
  })
})

describe('send window, backoff, outcomes', () => {
  it('09:00–20:00 Beijing time', () => {
    expect(inSendWindow(new Date('2026-11-27T08:59:00+08:00'), P)).toBe(false)
    expect(inSendWindow(new Date('2026-11-27T09:00:00+08:00'), P)).toBe(true)
    expect(inSendWindow(new Date('2026-11-27T19:59:59+08:00'), P)).toBe(true)
    expect(inSendWindow(new Date('2026-11-27T20:00:00+08:00'), P)).toBe(false)
    const always = { ...P, sendWindow: parseSendWindow('00:00-24:00')! }
    expect(inSendWindow(new Date('2026-11-27T03:00:00+08:00'), always)).toBe(true)
    expect(parseSendWindow('9-20')).toBeUndefined()
  })
  it('exponential backoff, capped', () => {
    expect([1, 2, 3, 4].map((n) => backoffMs(n, P))).toEqual([60_000, 120_000, 240_000, 480_000])
    expect(backoffMs(30, P)).toBe(P.backoffMaxMs)
  })
  it('classifies WeChat answers', () => {
    expect(classifySend(0)).toEqual({ status: 'sent' })
    expect(classifySend(43101)).toEqual({ status: 'refused' })
    expect(classifySend(47003, 'argument invalid! data.thing4.value is emtpy')).toEqual({ status: 'invalid', field: 'thing4' })
    expect(classifySend(-1).status).toBe('retry')
    expect(classifySend(-2).status).toBe('retry')
    expect(classifySend(-3).status).toBe('unknown')
    expect(classifySend(40003).status).toBe('failed')
    expect(classifySend(40037).status).toBe('failed')
    expect(classifySend(41030).status).toBe('failed')
  })
})

test('src/core/reminders stays pure (no platform imports)', () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { readdirSync, readFileSync } = require('node:fs') as typeof import('node:fs')
  const dir = `${__dirname}/../../../src/core/reminders`
  for (const f of readdirSync(dir)) {
    const src = readFileSync(`${dir}/${f}`, 'utf8')
    expect({ f, bad: /from ['"](node:|fs|path|@tarojs|kysely|fastify|wx-server-sdk)/.test(src) || /require\(/.test(src) }).toEqual({ f, bad: false })
  }
})
