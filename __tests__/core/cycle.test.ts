import { deadlineLabel, firstCycle, monthLabel, nextCycle, reinstatement, statusOn } from '@/core/cycle'

describe('certification cycle', () => {
  it('rolling 12 months: a pass in March 2026 is next due in March 2027', () => {
    const w = nextCycle('2026-03-15', 'rolling12')
    expect(monthLabel(w.dueMonth)).toBe('2027年3月')
    expect(w).toEqual({ opensOn: '2027-03-01', dueMonth: { year: 2027, month: 3 }, overdueFrom: '2027-04-01' })
  })

  it('rolling 6 months crosses the year end', () => {
    expect(monthLabel(nextCycle('2026-09-30', 'rolling6').dueMonth)).toBe('2027年3月')
  })

  it('calendar year: any pass in 2026 is next due by December 2027', () => {
    expect(nextCycle('2026-01-02', 'calendarYear')).toEqual({
      opensOn: '2027-01-01',
      dueMonth: { year: 2027, month: 12 },
      overdueFrom: '2028-01-01',
    })
  })

  it('status moves from certified to due in the due month, then to suspended', () => {
    const w = nextCycle('2025-11-10', 'rolling12')
    expect(statusOn(w, '2026-10-31')).toBe('certified')
    expect(statusOn(w, '2026-11-01')).toBe('due')
    expect(statusOn(w, '2026-11-30')).toBe('due')
    expect(statusOn(w, '2026-12-01')).toBe('overdue_suspended')
  })

  it('someone never certified is due in the month they joined', () => {
    expect(statusOn(firstCycle('2026-11-03'), '2026-11-27')).toBe('due')
  })

  it('a pass after suspension resumes next month and back-pays every suspended month', () => {
    // Due August 2025, suspended from September 2025, passes on 10 January 2026.
    const r = reinstatement('2025-09-01', '2026-01-10')
    expect(monthLabel(r.resumeMonth)).toBe('2026年2月')
    expect(r.backPaidMonths.map(monthLabel)).toEqual(['2025年9月', '2025年10月', '2025年11月', '2025年12月', '2026年1月'])
  })

  it('a pass in the first suspended month back-pays that one month', () => {
    const r = reinstatement('2026-12-01', '2026-12-20')
    expect(r.backPaidMonths).toEqual([{ year: 2026, month: 12 }])
    expect(r.resumeMonth).toEqual({ year: 2027, month: 1 })
  })

  it('a due month reads as its last day, so early December is not read as late', () => {
    expect(deadlineLabel('2026-12')).toBe('2026年12月31日')
    expect(deadlineLabel('2026-11-01')).toBe('2026年11月30日')
    expect(deadlineLabel('2027-02')).toBe('2027年2月28日')
    expect(deadlineLabel('2028-02')).toBe('2028年2月29日')
    expect(deadlineLabel('2100-02')).toBe('2100年2月28日')
    expect(deadlineLabel('2000-02')).toBe('2000年2月29日')
    expect(deadlineLabel('2027-04')).toBe('2027年4月30日')
  })

  it('a malformed due month is refused rather than printed', () => {
    expect(() => deadlineLabel('2026-13')).toThrow(RangeError)
    expect(() => deadlineLabel('十二月')).toThrow(RangeError)
  })
})
