/**
 * 人员查询: search in the actor's region (masked hits), and one person's page with full details —
 * a read of the name and ID number, so it is audited ('agency.person.viewed', no personal data in
 * the detail). Standing comes from the one definition (src/core/standing.ts standingOf).
 */
import { signalSourceLabel } from '../../../src/core/silent-certification'
import { RELATION_LABELS, type Relation } from '../../../src/core/contracts/family'
import {
  CERT_REASON_LABELS,
  IDENTITY_KIND_LABELS,
  SESSION_REJECTED_LABELS,
  SESSION_STATE_LABELS,
} from '../../../src/core/contracts/certification'
import { certStatusLabel, labelOf, PERFORMER_LABELS, RECORD_CHANNEL_LABELS } from '../../../src/core/contracts/common'
import { reminderKindLabel, REMINDER_RECIPIENT_LABELS, REMINDER_STATUS_LABELS, TEMPLATE_TITLES } from '../../../src/core/contracts/reminders'
import { recordFacts, sessionStateOfRow } from '../views'
import { OFFLINE_VERIFIED_HOW_LABELS, type OfflineVerifiedHow } from '../../../src/core/contracts/agency/offline'
import type { PersonDetail, PersonSearchAnswer, PersonSearchInput } from '../../../src/core/contracts/agency/persons'
import { deadlineLabel, firstDayOf } from '../../../src/core/cycle'
import { DomainError } from '../../../src/core/errors'
import { validateIdNumber } from '../../../src/core/id-number'
import { INSURANCE_LABELS } from '../../../src/core/insurance'
import { standingOf } from '../../../src/core/standing'
import type { AgencyActor } from '../../agency/actor'
import { idNumberHash, nameHash, normaliseName } from '../../crypto/pii-fields'
import { findOpenDeathReport } from '../../repositories/signal-reviews'
import { recordsOfPerson, relativesOfPerson, remindersOfPerson, searchPersons, sessionsOfPerson, sessionsOfRecords, type PersonSearchKeys } from '../../repositories/agency/persons'
import { findPersonInRegion } from '../../repositories/agency/offline'
import { agencyUserNames } from '../../repositories/agency/review'
import { appendAudit } from '../../repositories/audit'
import { rosterRecordOf, type RecordRow } from '../../repositories/records'
import { shanghaiDate } from '../../time/clock'
import type { ServiceContext } from '../context'
import { decisionView } from './review'

const MAX_HITS = 50
const HISTORY_LIMIT = 200
const SESSIONS_LIMIT = 20
const REMINDERS_LIMIT = 50

export async function searchPersonsOf(ctx: ServiceContext, actor: AgencyActor, input: PersonSearchInput): Promise<PersonSearchAnswer> {
  const keys: PersonSearchKeys = {}
  const by: string[] = []
  if (input.personNo) {
    keys.personNo = input.personNo
    by.push('personNo')
  }
  if (input.idNumber) {
    const check = validateIdNumber(input.idNumber, shanghaiDate(ctx.clock()))
    if (!check.valid) throw new DomainError(check.reason, { field: 'idNumber' })
    keys.idNumberHash = idNumberHash(ctx.pii, check.idNumber)
    by.push('idNumber')
  }
  if (input.name && normaliseName(input.name) !== '') {
    keys.nameHash = nameHash(ctx.pii, input.name)
    by.push('name')
  }
  if (by.length === 0) throw new DomainError('AGENCY_PERSON_SEARCH_EMPTY')
  const rows = await searchPersons(ctx.db, actor.regionPrefix, keys, MAX_HITS + 1)
  // Searching by name or ID number is a read of personal data: audited, with what was searched by, never the value.
  await appendAudit(ctx.db, {
    at: ctx.clock().toISOString(),
    actorType: 'agency',
    actorRef: actor.userId,
    action: 'agency.person.searched',
    subjectPersonId: rows.length === 1 ? rows[0].id : null,
    detail: { by: by.join(','), hits: Math.min(rows.length, MAX_HITS) },
  })
  return {
    items: rows.slice(0, MAX_HITS).map((p) => ({
      personId: p.id,
      personNo: p.person_no,
      maskedName: p.name_masked,
      maskedIdNumber: p.id_number_masked,
      regionCode: p.region_code,
      insuranceLabel: INSURANCE_LABELS[p.insurance_type],
      benefitStatus: p.benefit_status,
    })),
    truncated: rows.length > MAX_HITS,
  }
}

/** A session's reason in words: why it did not pass, or why it was closed; null when it has neither. */
function sessionReasonLabel(reasonCode: string | null, rejectedCode: string | null): string | null {
  if (reasonCode) return labelOf(CERT_REASON_LABELS, reasonCode)
  if (rejectedCode) return labelOf(SESSION_REJECTED_LABELS, rejectedCode)
  return null
}

/** The identity verifier's outcome in words: 本地人脸比对：没有检测到动作, or only the verifier when it passed. */
function verifierOutcome(identityKind: string, reasonCode: string | null): string {
  const kind = labelOf(IDENTITY_KIND_LABELS, identityKind)
  return reasonCode ? `${kind}：${labelOf(CERT_REASON_LABELS, reasonCode)}` : kind
}

/** An account shown to a clerk: enough to tell two apart, not an openid. */
const maskedAccount = (accountId: string): string => `微信用户 ${accountId.slice(-4)}`

export async function personDetail(ctx: ServiceContext, actor: AgencyActor, personId: string): Promise<PersonDetail> {
  const person = await findPersonInRegion(ctx.db, actor.regionPrefix, personId)
  if (!person) throw new DomainError('AGENCY_OUT_OF_SCOPE')
  const now = ctx.clock()
  const today = shanghaiDate(now)
  const [records, sessions, relatives, reminders, deathReport] = await Promise.all([
    recordsOfPerson(ctx.db, person.id, HISTORY_LIMIT),
    sessionsOfPerson(ctx.db, person.id, SESSIONS_LIMIT),
    relativesOfPerson(ctx.db, person.id),
    remindersOfPerson(ctx.db, person.id, REMINDERS_LIMIT),
    findOpenDeathReport(ctx.db, person.id),
  ])
  const roster = rosterRecordOf(person)
  const all: RecordRow[] = roster ? [...records, roster] : records
  all.sort((a, b) => (a.certified_at === b.certified_at ? (a.id < b.id ? 1 : -1) : a.certified_at < b.certified_at ? 1 : -1))
  const verifier = new Map((await sessionsOfRecords(ctx.db, records.map((r) => r.id))).map((s) => [s.record_id, s]))
  const agencyIds = all.flatMap((r) => [r.decided_by, r.performer_agency_user_id]).filter((x): x is string => !!x)
  const names = await agencyUserNames(ctx.db, agencyIds)

  const pii = ctx.pii.openPerson(person.pii_enc)
  const standing = standingOf(
    { lastCertifiedOn: person.last_certified_on, enrolledOn: person.enrolled_on, benefitStatus: person.benefit_status, suspendedSince: person.suspended_since },
    today,
    ctx.cyclePolicy,
  )
  const due = firstDayOf(standing.dueMonth)
  await appendAudit(ctx.db, { at: now.toISOString(), actorType: 'agency', actorRef: actor.userId, action: 'agency.person.viewed', subjectPersonId: person.id, detail: {} })

  return {
    person: {
      personId: person.id,
      personNo: person.person_no,
      name: pii.name,
      idNumber: pii.idNumber,
      cardNumber: pii.cardNumber,
      regionCode: person.region_code,
      insuranceType: person.insurance_type,
      insuranceLabel: INSURANCE_LABELS[person.insurance_type],
      employer: person.employer,
      benefitStatus: person.benefit_status,
      suspendedSince: person.suspended_since,
      enrolledOn: person.enrolled_on,
      lastCertifiedOn: person.last_certified_on,
      deathReport: deathReport ? { source: deathReport.source, sourceLabel: signalSourceLabel(deathReport.source), occurredOn: deathReport.occurred_on } : null,
    },
    standing: {
      status: standing.state,
      statusLabel: certStatusLabel(standing.state, standing.suspendedBy),
      nextDueDate: due,
      nextDueDeadlineLabel: deadlineLabel(due),
      suspendedSince: standing.suspendedSince ?? null,
      suspendedBy: standing.suspendedBy ?? null,
    },
    history: all.map((r) => {
      const s = verifier.get(r.id)
      const how = r.offline_verified_how as OfflineVerifiedHow | null
      return {
        recordId: r.id,
        ...recordFacts(r),
        performerLabel: PERFORMER_LABELS[r.performed_by],
        performerDetail: r.performer_agency_user_id
          ? (names.get(r.performer_agency_user_id) ?? r.performer_agency_user_id)
          : r.performer_relation
            ? (RELATION_LABELS[r.performer_relation as Relation] ?? r.performer_relation)
            : null,
        verifierOutcome: s ? verifierOutcome(s.identity_kind, s.reason_code) : null,
        decision: decisionView(r, names),
        offline:
          r.channel === 'agency' && (r.offline_place || how)
            ? { place: r.offline_place, verifiedHow: how, verifiedHowLabel: how ? OFFLINE_VERIFIED_HOW_LABELS[how] : null, note: r.decided_at ? null : r.decision_note }
            : null,
      }
    }),
    relatives: relatives.map((r) => ({
      relation: r.relation,
      relationLabel: RELATION_LABELS[r.relation],
      linkedAt: r.created_at,
      account: maskedAccount(r.account_id),
    })),
    sessions: sessions.map((s) => {
      const state = sessionStateOfRow(s, now.getTime())
      return {
        sessionId: s.id,
        createdAt: s.created_at,
        status: s.status,
        state,
        statusLabel: SESSION_STATE_LABELS[state],
        channel: s.channel,
        channelLabel: labelOf(RECORD_CHANNEL_LABELS, s.channel),
        performer: s.performer,
        performerLabel: labelOf(PERFORMER_LABELS, s.performer),
        identityKind: s.identity_kind,
        identityKindLabel: labelOf(IDENTITY_KIND_LABELS, s.identity_kind),
        reasonCode: s.reason_code,
        rejectedCode: s.rejected_code,
        reasonLabel: sessionReasonLabel(s.reason_code, s.rejected_code),
        recordId: s.record_id,
      }
    }),
    reminders: reminders.map((r) => ({
      kind: r.kind,
      kindLabel: reminderKindLabel(r.kind),
      template: r.template,
      templateLabel: labelOf(TEMPLATE_TITLES, r.template),
      cycle: r.cycle,
      relation: r.relation,
      relationLabel: labelOf(REMINDER_RECIPIENT_LABELS, r.relation),
      status: r.status,
      statusLabel: labelOf(REMINDER_STATUS_LABELS, r.status),
      attempts: r.attempts,
      createdAt: r.created_at,
      doneAt: r.done_at,
    })),
  }
}
