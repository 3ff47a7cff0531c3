/**
 * StatusView for the bound person: next due month by the configured cycle policy, today in Beijing
 * time from the injected clock. Suspended on the roster, or past the due month → overdue_suspended.
 */
import { CERT_STATUS_LABELS, RECORD_RESULT_LABELS, type Caller } from '../../src/core/contracts/common'
import type { StatusView } from '../../src/core/contracts/views'
import { firstCycle, firstDayOf, monthLabel, nextCycle, statusOn } from '../../src/core/cycle'
import { appendAudit } from '../repositories/audit'
import { latestPassOfPerson, latestRecordOfPerson } from '../repositories/records'
import { shanghaiDate } from '../time/clock'
import { accountAndPerson } from './account'
import type { ServiceContext } from './context'
import { maskedPerson } from './views'
import type { PersonRow } from '../repositories/types'

export async function statusOf(ctx: ServiceContext, caller: Caller): Promise<StatusView> {
  const now = ctx.clock()
  const { accountId, person } = await accountAndPerson(ctx, caller)
  await appendAudit(ctx.db, { at: now.toISOString(), actorType: 'account', actorRef: accountId, action: 'status.read', subjectPersonId: person?.id ?? null, detail: {} })
  if (!person) return { bound: false }
  return personStatusView(ctx, person)
}

/** The masked status view of one roster person (also used for 家人, share cards, notices and 认证查询). */
export async function personStatusView(ctx: ServiceContext, person: PersonRow): Promise<Extract<StatusView, { bound: true }>> {
  const now = ctx.clock()
  const lastPass = await latestPassOfPerson(ctx.db, person.id)
  const passDates = [lastPass ? shanghaiDate(new Date(lastPass.certified_at)) : undefined, person.last_certified_on ?? undefined].filter(
    (d): d is string => d !== undefined,
  )
  const lastPassDate = passDates.sort().at(-1)
  const window = lastPassDate ? nextCycle(lastPassDate, ctx.cyclePolicy) : firstCycle(person.enrolled_on)
  let status = statusOn(window, shanghaiDate(now))
  let suspendedSince: string | undefined
  if (person.benefit_status === 'suspended') {
    status = 'overdue_suspended'
    suspendedSince = person.suspended_since ?? window.overdueFrom
  } else if (status === 'overdue_suspended') {
    suspendedSince = window.overdueFrom
  }
  const latest = await latestRecordOfPerson(ctx.db, person)
  return {
    bound: true,
    person: maskedPerson(person),
    status,
    statusLabel: CERT_STATUS_LABELS[status],
    nextDueDate: firstDayOf(window.dueMonth),
    nextDueMonthLabel: monthLabel(window.dueMonth),
    ...(suspendedSince ? { suspendedSince } : {}),
    ...(latest ? { lastResult: { result: latest.result, resultLabel: RECORD_RESULT_LABELS[latest.result], certifiedAt: latest.certified_at } } : {}),
  }
}
