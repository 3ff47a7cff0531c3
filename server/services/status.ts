/**
 * StatusView for the bound person: its standing (src/core/standing.ts standingOf over the person's
 * authoritative last pass), today in Beijing time from the injected clock.
 */
import { certStatusLabel, RECORD_RESULT_LABELS, type Caller } from '../../src/core/contracts/common'
import type { StatusView } from '../../src/core/contracts/views'
import { deadlineLabel, firstDayOf, monthLabel } from '../../src/core/cycle'
import { standingFactsOf, standingOf } from '../../src/core/standing'
import { appendReadAudit } from '../repositories/audit'
import { latestRecordAndPassOfPerson, rosterRecordOf, type LatestRecords, type RecordRow } from '../repositories/records'
import { shanghaiDate } from '../time/clock'
import { accountPersonAndRecords } from './account'
import type { ServiceContext } from './context'
import { maskedPerson, reviewNoteOf } from './views'
import type { PersonRow } from '../repositories/types'

export async function statusOf(ctx: ServiceContext, caller: Caller): Promise<StatusView> {
  // One reading of the clock for the whole request (the account's last_seen_at, the audit row, the standing).
  const now = ctx.clock()
  const at = now.toISOString()
  const { accountId, self } = await accountPersonAndRecords(ctx, caller, at)
  await appendReadAudit(ctx, { at, actorType: 'account', actorRef: accountId, action: 'status.read', subjectPersonId: self?.person.id ?? null, detail: {} })
  if (!self) return { bound: false }
  return statusViewOf(ctx, self.person, self.records, now)
}

/** The masked status view of one roster person (also used for 家人, share cards, notices and 认证查询). */
export async function personStatusView(ctx: ServiceContext, person: PersonRow, now = ctx.clock()): Promise<Extract<StatusView, { bound: true }>> {
  return statusViewOf(ctx, person, await latestRecordAndPassOfPerson(ctx.db, person), now)
}

function statusViewOf(ctx: ServiceContext, person: PersonRow, { latest, lastPass }: LatestRecords, now: Date): Extract<StatusView, { bound: true }> {
  // Standing from the authoritative last pass (persons.last_certified_on; src/core/standing.ts). The
  // records are read only to show the latest result.
  const standing = standingOf(standingFactsOf(person), shanghaiDate(now), ctx.cyclePolicy)
  const { state: status, window, suspendedSince, suspendedBy } = standing
  // Certified and then tried again without passing: the cycle's result is still the pass; the
  // later try is shown apart as a retry that changes nothing.
  const passRow = [lastPass, rosterRecordOf(person)].filter((r): r is RecordRow => r !== undefined).sort((a, b) => (a.certified_at < b.certified_at ? 1 : -1))[0]
  const retried = status === 'certified' && latest !== undefined && latest.result !== 'passed' && passRow !== undefined && latest.certified_at > passRow.certified_at
  const shownResult = retried ? passRow : latest
  const dueMonth = firstDayOf(window.dueMonth)
  return {
    bound: true,
    person: maskedPerson(person),
    status,
    statusLabel: certStatusLabel(status, suspendedBy),
    nextDueDate: dueMonth,
    nextDueMonthLabel: monthLabel(window.dueMonth),
    nextDueDeadlineLabel: deadlineLabel(dueMonth),
    ...(suspendedSince ? { suspendedSince } : {}),
    ...(shownResult ? { lastResult: resultView(shownResult) } : {}),
    ...(retried ? { laterRetry: resultView(latest) } : {}),
    ...(status === 'certified' && passRow?.method === 'data_comparison' ? { silentCertifiedOn: shanghaiDate(new Date(passRow.certified_at)) } : {}),
  }
}

function resultView(r: RecordRow): { result: RecordRow['result']; resultLabel: string; certifiedAt: string; reviewNote?: string } {
  const reviewNote = reviewNoteOf(r)
  return { result: r.result, resultLabel: RECORD_RESULT_LABELS[r.result], certifiedAt: r.certified_at, ...(reviewNote ? { reviewNote } : {}) }
}

