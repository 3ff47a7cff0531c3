/**
 * A person's certification standing: ONE definition, used by the 首页 (status), the certification
 * result, reminders, notices and the agency console. Pure: callers pass today's Beijing date and
 * the person's stored facts.
 *
 * The authoritative last pass is persons.last_certified_on: the later of the roster's 上次认证日期
 * and every passed record's Beijing date (kept so by migration 014, the roster import and the one
 * pass path, server/services/passes.ts).
 *
 * The console counts and lists the same states in SQL. Because a window's opensOn / overdueFrom
 * never move back when the last pass moves forward, each state is a RANGE of last_certified_on (or of
 * enrolled_on for persons never certified): standingBounds() gives those ranges, and the set-based
 * read (server/repositories/agency/standing.ts) uses them on indexed columns.
 */
import type { CertStatus, SuspendedBy } from './contracts/common'
import { addMonths, firstCycle, firstDayOf, monthIndex, nextCycle, statusOn, yearMonthOf, type CycleWindow, type CyclePolicy, type YearMonth } from './cycle'

export interface StandingFacts {
  /** persons.last_certified_on (authoritative last pass, Beijing date), null when never certified. */
  lastCertifiedOn: string | null | undefined
  /** When the person joined the roster: a never-certified person is due in that month. */
  enrolledOn: string
  benefitStatus: 'normal' | 'suspended'
  /** The roster's (or a past sweep's) suspension start, if suspended. */
  suspendedSince: string | null | undefined
}

export interface Standing {
  state: CertStatus
  /** The cycle the person must certify in next. */
  window: CycleWindow
  dueMonth: YearMonth
  /** Set when the pension counts as suspended: suspended on the roster, or past the due month. */
  suspendedSince?: string
  /** Set with suspendedSince: the deadline passed, or the agency suspended payment before it did. */
  suspendedBy?: SuspendedBy
  /** Months the pension has been suspended, counting the current month (0 unless overdue_suspended). */
  monthsOverdue: number
}

/** The stored facts standingOf reads, from a persons row (its column names). */
export function standingFactsOf(p: { last_certified_on: string | null; enrolled_on: string; benefit_status: 'normal' | 'suspended'; suspended_since: string | null }): StandingFacts {
  return { lastCertifiedOn: p.last_certified_on, enrolledOn: p.enrolled_on, benefitStatus: p.benefit_status, suspendedSince: p.suspended_since }
}

/** The cycle window following the last pass, or the first one (enrolment month) for a person never certified. */
export function windowOf(lastCertifiedOn: string | null | undefined, enrolledOn: string, policy: CyclePolicy): CycleWindow {
  return lastCertifiedOn ? nextCycle(lastCertifiedOn, policy) : firstCycle(enrolledOn)
}

export function standingOf(facts: StandingFacts, today: string, policy: CyclePolicy): Standing {
  const window = windowOf(facts.lastCertifiedOn, facts.enrolledOn, policy)
  let state = statusOn(window, today)
  let suspendedSince: string | undefined
  let suspendedBy: SuspendedBy | undefined
  if (facts.benefitStatus === 'suspended') {
    suspendedBy = state === 'overdue_suspended' ? 'deadline' : 'agency'
    state = 'overdue_suspended'
    suspendedSince = facts.suspendedSince ?? window.overdueFrom
  } else if (state === 'overdue_suspended') {
    suspendedBy = 'deadline'
    suspendedSince = window.overdueFrom
  }
  return {
    state,
    window,
    dueMonth: window.dueMonth,
    ...(suspendedSince ? { suspendedSince, suspendedBy } : {}),
    monthsOverdue: suspendedSince ? monthsSuspended(suspendedSince, today) : 0,
  }
}

/**
 * Months suspended from `since` through today's month, at least 1 (a roster suspension dated in the
 * future still counts as suspended now).
 */
export function monthsSuspended(since: string, today: string): number {
  return Math.max(1, monthIndex(yearMonthOf(today)) - monthIndex(yearMonthOf(since)) + 1)
}

/**
 * The date ranges behind each state on `today` (all bounds exclusive upper limits, YYYY-MM-DD):
 *  - a normal person with a last pass L is overdue iff L < passOverdueBefore, due iff
 *    passOverdueBefore <= L < passDueBefore, certified iff L >= passDueBefore;
 *  - a normal person never certified, the same with enrolled_on and enrolOverdueBefore / enrolDueBefore;
 *  - a suspended person is overdue whatever the dates say.
 */
export interface StandingBounds {
  passOverdueBefore: string
  passDueBefore: string
  enrolOverdueBefore: string
  enrolDueBefore: string
}

export function standingBounds(today: string, policy: CyclePolicy): StandingBounds {
  return {
    passOverdueBefore: firstPassMonthWhere(today, policy, (w) => today < w.overdueFrom),
    passDueBefore: firstPassMonthWhere(today, policy, (w) => today < w.opensOn),
    enrolOverdueBefore: firstEnrolMonthWhere(today, (w) => today < w.overdueFrom),
    enrolDueBefore: firstEnrolMonthWhere(today, (w) => today < w.opensOn),
  }
}

/**
 * The bounds of "overdue by at least `minMonths` months" (minMonths >= 1): a normal person with a last
 * pass L qualifies iff L < passBefore; never certified iff enrolled_on < enrolBefore; a suspended one iff
 * its suspension start (suspended_since, else its window's overdueFrom) < suspendedBefore — or always
 * when minMonths <= 1 (monthsSuspended is at least 1).
 */
export interface OverdueBounds {
  passBefore: string
  enrolBefore: string
  suspendedBefore: string
}

export function overdueBounds(today: string, policy: CyclePolicy, minMonths: number): OverdueBounds {
  const m = Math.max(1, Math.floor(minMonths))
  const todayIdx = monthIndex(yearMonthOf(today))
  // Suspended since month s has monthsSuspended = today - s + 1 >= m  <=>  s <= today - m + 1.
  const suspendedBefore = firstDayOf(fromIndex(todayIdx - m + 2))
  const enough = (w: CycleWindow) => monthIndex(yearMonthOf(w.overdueFrom)) > todayIdx - m + 1
  return {
    passBefore: firstPassMonthWhere(today, policy, enough, m),
    enrolBefore: firstEnrolMonthWhere(today, enough, m),
    suspendedBefore,
  }
}

const fromIndex = (i: number): YearMonth => ({ year: Math.floor(i / 12), month: (i % 12) + 1 })

/**
 * The first day of the earliest pass month p such that `holds(nextCycle(p))` — `holds` must be false
 * for early months and true from some month on (windows only move forward with p). Windows depend on
 * the pass month alone, so the answer is a month start. Searched from `extraMonths` + 36 months back:
 * every policy's window lies within 24 months of its pass.
 */
function firstPassMonthWhere(today: string, policy: CyclePolicy, holds: (w: CycleWindow) => boolean, extraMonths = 0): string {
  const t = yearMonthOf(today)
  let p = addMonths(t, -36 - extraMonths)
  const end = monthIndex(addMonths(t, 1))
  while (monthIndex(p) < end && !holds(nextCycle(firstDayOf(p), policy))) p = addMonths(p, 1)
  return firstDayOf(p)
}

/** The same for the first cycle of a never-certified person (due in the enrolment month). */
function firstEnrolMonthWhere(today: string, holds: (w: CycleWindow) => boolean, extraMonths = 0): string {
  const t = yearMonthOf(today)
  let p = addMonths(t, -36 - extraMonths)
  const end = monthIndex(addMonths(t, 1))
  while (monthIndex(p) < end && !holds(firstCycle(firstDayOf(p)))) p = addMonths(p, 1)
  return firstDayOf(p)
}

/** The later of two optional Beijing dates (the authoritative last pass is the latest one seen). */
export function laterDate(a: string | null | undefined, b: string | null | undefined): string | null {
  if (!a) return b ?? null
  if (!b) return a
  return a >= b ? a : b
}
