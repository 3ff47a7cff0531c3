/**
 * The certification cycle. Dates are ISO calendar dates (YYYY-MM-DD) in China time; months are
 * compared as "YYYY-MM". Pure arithmetic, no time zones: callers pass "today" in Beijing time.
 */
import type { CertStatus } from './contracts/common'

export const CYCLE_POLICIES = ['rolling12', 'calendarYear', 'rolling6'] as const
export type CyclePolicy = (typeof CYCLE_POLICIES)[number]

export interface YearMonth {
  year: number
  month: number // 1..12
}

export function parseIsoDate(date: string): { year: number; month: number; day: number } {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(date)
  if (!m) throw new RangeError(`not an ISO date: ${date}`)
  return { year: Number(m[1]), month: Number(m[2]), day: Number(m[3]) }
}

export function addMonths(ym: YearMonth, n: number): YearMonth {
  const idx = ym.year * 12 + (ym.month - 1) + n
  return { year: Math.floor(idx / 12), month: (idx % 12) + 1 }
}

export function monthIndex(ym: YearMonth): number {
  return ym.year * 12 + ym.month - 1
}

export function firstDayOf(ym: YearMonth): string {
  return `${ym.year}-${String(ym.month).padStart(2, '0')}-01`
}

export function yearMonthOf(date: string): YearMonth {
  const { year, month } = parseIsoDate(date)
  return { year, month }
}

/** 2027年3月 */
export function monthLabel(ym: YearMonth): string {
  return `${ym.year}年${ym.month}月`
}

export function daysInMonth(ym: YearMonth): number {
  if (ym.month === 2) {
    const leap = (ym.year % 4 === 0 && ym.year % 100 !== 0) || ym.year % 400 === 0
    return leap ? 29 : 28
  }
  return [4, 6, 9, 11].includes(ym.month) ? 30 : 31
}

/**
 * The last day one may certify, as people read a deadline: '2026-12' → 2026年12月31日. A due month
 * alone (2026年12月) reads as already late to someone looking at it on 5 December. Accepts
 * 'YYYY-MM' or an ISO date inside the due month (e.g. nextDueDate '2026-12-01').
 */
export function deadlineLabel(dueMonth: string): string {
  const m = /^(\d{4})-(\d{2})/.exec(dueMonth)
  if (!m) throw new RangeError(`not a year-month: ${dueMonth}`)
  const ym = { year: Number(m[1]), month: Number(m[2]) }
  if (ym.month < 1 || ym.month > 12) throw new RangeError(`not a year-month: ${dueMonth}`)
  return `${ym.year}年${ym.month}月${daysInMonth(ym)}日`
}

export interface CycleWindow {
  /** First day certification for the next cycle counts (YYYY-MM-DD). */
  opensOn: string
  /** The month by whose end the person must have certified. */
  dueMonth: YearMonth
  /** First day of the month after the due month: from here the pension is suspended. */
  overdueFrom: string
}

/**
 * Where the next certification falls after a pass on `lastPassDate`.
 * - rolling12 / rolling6: due in the same calendar month 12 (or 6) months later;
 * - calendarYear: once in each calendar year, due by December of the following year.
 */
export function nextCycle(lastPassDate: string, policy: CyclePolicy): CycleWindow {
  const passed = yearMonthOf(lastPassDate)
  if (policy === 'calendarYear') {
    const dueMonth = { year: passed.year + 1, month: 12 }
    return { opensOn: `${passed.year + 1}-01-01`, dueMonth, overdueFrom: firstDayOf(addMonths(dueMonth, 1)) }
  }
  const dueMonth = addMonths(passed, policy === 'rolling6' ? 6 : 12)
  return { opensOn: firstDayOf(dueMonth), dueMonth, overdueFrom: firstDayOf(addMonths(dueMonth, 1)) }
}

/**
 * A person who has never certified (newly retired, or no history imported) is due in the month
 * they joined the roster.
 */
export function firstCycle(enrolledOn: string): CycleWindow {
  const dueMonth = yearMonthOf(enrolledOn)
  return { opensOn: firstDayOf(dueMonth), dueMonth, overdueFrom: firstDayOf(addMonths(dueMonth, 1)) }
}

export function statusOn(window: CycleWindow, today: string): CertStatus {
  if (today >= window.overdueFrom) return 'overdue_suspended'
  if (today >= window.opensOn) return 'due'
  return 'certified'
}

export interface Reinstatement {
  /** Month the pension is paid again (次月恢复发放). */
  resumeMonth: YearMonth
  /** Months withheld while suspended that are paid back (补发), oldest first. */
  backPaidMonths: YearMonth[]
}

/**
 * A pass while suspended: payment resumes the month after the pass, and every month from the
 * first suspended month up to and including the pass month is paid back.
 */
export function reinstatement(suspendedFrom: string, passDate: string): Reinstatement {
  const from = yearMonthOf(suspendedFrom)
  const passMonth = yearMonthOf(passDate)
  const months: YearMonth[] = []
  for (let i = monthIndex(from); i <= monthIndex(passMonth); i++) months.push({ year: Math.floor(i / 12), month: (i % 12) + 1 })
  return { resumeMonth: addMonths(passMonth, 1), backPaidMonths: months }
}

export function isCyclePolicy(value: unknown): value is CyclePolicy {
  return typeof value === 'string' && (CYCLE_POLICIES as readonly string[]).includes(value)
}
