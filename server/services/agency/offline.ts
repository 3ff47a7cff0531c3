/**
 * 线下认证登记: a clerk records a certification done at the window, in the community or at home. It
 * is a passed record like any other (channel 'agency', performed by the agency, the clerk as
 * performer) and takes the ONE pass path (services/passes.ts applyPass): 下次认证日期 moves, a
 * suspension lifts. The console sends a request id generated once per form: the same id again gives
 * the same record (a retry after a lost answer), never a second one.
 */
import { RECORD_RESULT_LABELS, type RecordMethod } from '../../../src/core/contracts/common'
import type { OfflineMethod, OfflineRecordAnswer, OfflineRecordInput } from '../../../src/core/contracts/agency/offline'
import { firstDayOf } from '../../../src/core/cycle'
import { DomainError } from '../../../src/core/errors'
import { windowOf } from '../../../src/core/standing'
import type { AgencyActor } from '../../agency/actor'
import { newId } from '../../db/ids'
import { isUniqueViolation } from '../../db/errors'
import { findOfflineRequest, findPersonInRegion, insertOfflineRecord, reinstatedBy } from '../../repositories/agency/offline'
import { appendAudit } from '../../repositories/audit'
import type { RecordRow } from '../../repositories/records'
import { shanghaiDate, shanghaiMidnightIso } from '../../time/clock'
import type { ServiceContext } from '../context'
import { applyPass, reinstatedAuditDetail } from '../passes'
import { isCalendarDate } from '../../../src/core/dates'

const METHOD_OF: Record<OfflineMethod, RecordMethod> = { counter: 'counter', community: 'community', home_visit: 'home_visit' }

export async function recordOffline(ctx: ServiceContext, actor: AgencyActor, input: OfflineRecordInput): Promise<OfflineRecordAnswer> {
  const earlier = await findOfflineRequest(ctx.db, actor.userId, input.requestId)
  if (earlier) return repeatedAnswer(ctx, actor, earlier, input)

  const person = await findPersonInRegion(ctx.db, actor.regionPrefix, input.personId)
  if (!person) throw new DomainError('AGENCY_OUT_OF_SCOPE')
  const now = ctx.clock()
  const nowIso = now.toISOString()
  const today = shanghaiDate(now)
  if (!isCalendarDate(input.date) || input.date > today) throw new DomainError('AGENCY_OFFLINE_DATE_INVALID', { field: 'date' })
  if (person.last_certified_on && input.date < person.last_certified_on) throw new DomainError('AGENCY_OFFLINE_DATE_INVALID', { field: 'date' })

  const recordId = newId()
  // Today: the moment it is recorded; an earlier day: that day's start (the hour was not recorded).
  const certifiedAt = input.date === today ? nowIso : shanghaiMidnightIso(input.date)
  try {
    return await ctx.db.transaction().execute(async (trx) => {
      await insertOfflineRecord(trx, {
        id: recordId,
        person_id: person.id,
        certified_at: certifiedAt,
        result: 'passed',
        method: METHOD_OF[input.method],
        channel: 'agency',
        performed_by: 'agency',
        performer_account_id: null,
        created_at: nowIso,
        performer_relation: null,
        via: null,
        performer_agency_user_id: actor.userId,
        offline_place: input.place,
        offline_verified_how: input.verifiedHow,
        // The clerk's note on an offline record lives with the agency's other free text on the record.
        decision_note: input.note ? input.note : null,
        agency_request_id: input.requestId,
      })
      const pass = await applyPass(trx, ctx, { personId: person.id, passDate: input.date, nowIso })
      await appendAudit(trx, {
        at: nowIso,
        actorType: 'agency',
        actorRef: actor.userId,
        action: 'agency.offline.recorded',
        subjectPersonId: person.id,
        // No place or note: a home address is personal data.
        detail: { recordId, method: input.method, verifiedHow: input.verifiedHow, date: input.date, noted: !!input.note },
      })
      if (pass.reinstatement) {
        await appendAudit(trx, {
          at: nowIso,
          actorType: 'agency',
          actorRef: actor.userId,
          action: 'benefit.reinstated',
          subjectPersonId: person.id,
          detail: reinstatedAuditDetail(recordId, pass.reinstatement),
        })
      }
      return {
        recordId,
        result: 'passed' as const,
        resultLabel: RECORD_RESULT_LABELS.passed,
        certifiedAt,
        nextDueDate: firstDayOf(pass.nextDue.dueMonth),
        reinstated: pass.reinstatement !== undefined,
        repeated: false,
      }
    })
  } catch (err) {
    // The same request sent twice at once: the other one committed first.
    if (!isUniqueViolation(err)) throw err
    const winner = await findOfflineRequest(ctx.db, actor.userId, input.requestId)
    if (!winner) throw err
    return repeatedAnswer(ctx, actor, winner, input)
  }
}

async function repeatedAnswer(ctx: ServiceContext, actor: AgencyActor, record: RecordRow, input: OfflineRecordInput): Promise<OfflineRecordAnswer> {
  if (record.person_id !== input.personId) throw new DomainError('AGENCY_OFFLINE_REQUEST_REUSED')
  const person = await findPersonInRegion(ctx.db, actor.regionPrefix, record.person_id)
  if (!person) throw new DomainError('AGENCY_OUT_OF_SCOPE')
  const window = windowOf(person.last_certified_on, person.enrolled_on, ctx.cyclePolicy)
  return {
    recordId: record.id,
    result: record.result,
    resultLabel: RECORD_RESULT_LABELS[record.result],
    certifiedAt: record.certified_at,
    nextDueDate: firstDayOf(window.dueMonth),
    reinstated: await reinstatedBy(ctx.db, person.id, record.id),
    repeated: true,
  }
}
