/**
 * The ONE path a pass takes, whoever decided it: an automatic pass in the mini-program
 * (certification.ts writeOutcome), an agency reviewer's approval of a pending record, an offline
 * certification a clerk records (窗口 / 社区 / 上门). Each caller inserts its own passed record and then,
 * in the SAME transaction, calls applyPass, which:
 *  - moves persons.last_certified_on to the later of what it held and the pass date (the authoritative
 *    last pass, src/core/standing.ts; a back-dated offline record never moves it backwards);
 *  - lifts a suspension (benefit_status normal, suspended_since cleared);
 *  - answers the standing before the pass, the next due window, and the reinstatement (resume month,
 *    back-paid months) when the pension counted as suspended.
 * Audit rows stay with the caller (its actor: an account, or an agency user); reinstatedAuditDetail
 * gives the detail every caller writes for 'benefit.reinstated'.
 */
import { reinstatement as reinstatementOf, type CycleWindow, type YearMonth } from '../../src/core/cycle'
import { DomainError } from '../../src/core/errors'
import { laterDate, standingFactsOf, standingOf, windowOf, type Standing } from '../../src/core/standing'
import { findPersonById, markPersonPassed } from '../repositories/persons'
import type { Db, PersonRow } from '../repositories/types'
import { shanghaiDate } from '../time/clock'
import type { ServiceContext } from './context'

export interface PassInput {
  personId: string
  /** The Beijing calendar date the person passed (YYYY-MM-DD); today for an in-app pass. */
  passDate: string
  /** Now (ISO UTC): updated_at, and "today" for the standing before the pass. */
  nowIso: string
}

export interface Reinstated {
  /** When the pension counted as suspended from. */
  since: string
  /** The month payment resumes (次月恢复发放). */
  resumeMonth: YearMonth
  /** Withheld months paid back (补发), oldest first. */
  backPaidMonths: YearMonth[]
}

export interface PassOutcome {
  /** The person as stored before the pass. */
  before: PersonRow
  /** Standing before the pass, on today's date: `before.state === 'certified'` = a voluntary retry. */
  standingBefore: Standing
  /** persons.last_certified_on after the pass. */
  lastCertifiedOn: string
  /** The next cycle after the pass: its dueMonth is the new 下次认证日期. */
  nextDue: CycleWindow
  /** Present when the pension counted as suspended before the pass. */
  reinstatement?: Reinstated
}

/**
 * Applies a pass to the person inside the caller's transaction (after its passed record is written).
 * Throws DomainError('INTERNAL') for an unknown person: callers have read the person already.
 */
export async function applyPass(trx: Db, ctx: Pick<ServiceContext, 'cyclePolicy'>, input: PassInput): Promise<PassOutcome> {
  const before = await findPersonById(trx, input.personId)
  if (!before) throw new DomainError('INTERNAL')
  const today = shanghaiDate(new Date(input.nowIso))
  const standingBefore = standingOf(standingFactsOf(before), today, ctx.cyclePolicy)
  await markPersonPassed(trx, input.personId, input.passDate, input.nowIso)
  const lastCertifiedOn = laterDate(before.last_certified_on, input.passDate)!
  const outcome: PassOutcome = { before, standingBefore, lastCertifiedOn, nextDue: windowOf(lastCertifiedOn, before.enrolled_on, ctx.cyclePolicy) }
  const since = standingBefore.suspendedSince
  if (since) {
    const r = reinstatementOf(since, input.passDate)
    outcome.reinstatement = { since, resumeMonth: r.resumeMonth, backPaidMonths: r.backPaidMonths }
  }
  return outcome
}

const ymText = (ym: YearMonth): string => `${ym.year}-${String(ym.month).padStart(2, '0')}`

/** The audit detail of 'benefit.reinstated' (no personal data), the same for every caller. */
export function reinstatedAuditDetail(recordId: string, r: Reinstated): Record<string, string | number | null> {
  return {
    recordId,
    suspendedSince: r.since,
    resumeMonth: ymText(r.resumeMonth),
    backPaidMonths: r.backPaidMonths.length,
    backPaidFrom: r.backPaidMonths.length ? ymText(r.backPaidMonths[0]) : null,
    backPaidTo: r.backPaidMonths.length ? ymText(r.backPaidMonths[r.backPaidMonths.length - 1]) : null,
  }
}
