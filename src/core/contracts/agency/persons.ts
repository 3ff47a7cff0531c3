/**
 * 人员查询: find a person in the actor's region by 个人编号, name or ID number (POST, so an ID number
 * never sits in a URL), and one person's page: full details (audited), standing, history, linked
 * relatives, recent sessions and the reminders sent.
 */
import * as v from 'valibot'
import { SESSION_STATES } from '../certification'
import { CERT_STATUSES, RECORD_FACT_ENTRIES, SUSPENDED_BY } from '../common'
import { agencyEndpoints, ANY_AGENCY_ROLE } from './define'
import { DecisionViewSchema } from './review'

const Optional = (max: number) => v.optional(v.pipe(v.string(), v.trim(), v.maxLength(max, 'AGENCY_PERSON_SEARCH_INVALID')))

/** One of the three (the first given is used: 个人编号, then ID number, then name). */
export const PersonSearchInputSchema = v.object({
  personNo: Optional(32),
  name: Optional(40),
  idNumber: Optional(18),
})
export type PersonSearchInput = v.InferOutput<typeof PersonSearchInputSchema>

const BENEFIT = v.picklist(['normal', 'suspended'])

export const PersonHitSchema = v.object({
  personId: v.string(),
  personNo: v.string(),
  maskedName: v.string(),
  maskedIdNumber: v.string(),
  regionCode: v.string(),
  insuranceLabel: v.string(),
  benefitStatus: BENEFIT,
})
export type PersonHit = v.InferOutput<typeof PersonHitSchema>

export const PersonSearchAnswerSchema = v.object({
  items: v.array(PersonHitSchema),
  /** More matched than are listed (a common name): narrow the search. */
  truncated: v.boolean(),
})
export type PersonSearchAnswer = v.InferOutput<typeof PersonSearchAnswerSchema>

export const PersonHistoryItemSchema = v.object({
  recordId: v.string(),
  ...RECORD_FACT_ENTRIES,
  performerLabel: v.string(),
  /** 亲属代办: the relation; 经办人员: the clerk's agency user id. */
  performerDetail: v.nullable(v.string()),
  /** The identity verifier's outcome of the session behind the record in words (本地人脸比对：没有检测到动作), if any. */
  verifierOutcome: v.nullable(v.string()),
  decision: v.nullable(DecisionViewSchema),
  offline: v.nullable(v.object({ place: v.nullable(v.string()), verifiedHow: v.nullable(v.string()), verifiedHowLabel: v.nullable(v.string()), note: v.nullable(v.string()) })),
})

export const PersonDetailSchema = v.object({
  person: v.object({
    personId: v.string(),
    personNo: v.string(),
    name: v.string(),
    idNumber: v.string(),
    cardNumber: v.string(),
    regionCode: v.string(),
    insuranceType: v.string(),
    insuranceLabel: v.string(),
    employer: v.string(),
    benefitStatus: BENEFIT,
    suspendedSince: v.nullable(v.string()),
    enrolledOn: v.string(),
    lastCertifiedOn: v.nullable(v.string()),
    /** Another department's death report on the person, not yet checked by the agency (静默认证). */
    deathReport: v.nullable(v.object({ source: v.string(), sourceLabel: v.string(), occurredOn: v.string() })),
  }),
  standing: v.object({
    status: v.picklist(CERT_STATUSES),
    statusLabel: v.string(),
    nextDueDate: v.string(),
    nextDueDeadlineLabel: v.string(),
    suspendedSince: v.nullable(v.string()),
    /** Set with suspendedSince: the deadline passed, or the agency suspended payment before it did. */
    suspendedBy: v.nullable(v.picklist(SUSPENDED_BY)),
  }),
  history: v.array(PersonHistoryItemSchema),
  relatives: v.array(v.object({ relation: v.string(), relationLabel: v.string(), linkedAt: v.string(), account: v.string() })),
  sessions: v.array(
    v.object({
      sessionId: v.string(),
      createdAt: v.string(),
      /** Stored status (open/completed/rejected); `state` tells cancelled from refused and an expired open one. */
      status: v.string(),
      state: v.picklist(SESSION_STATES),
      statusLabel: v.string(),
      channel: v.string(),
      channelLabel: v.string(),
      performer: v.string(),
      performerLabel: v.string(),
      identityKind: v.string(),
      identityKindLabel: v.string(),
      /** Why a completed session did not pass (engine or identity reason). */
      reasonCode: v.nullable(v.string()),
      /** The code a rejected session was closed with (SESSION_CANCELLED: the person left). */
      rejectedCode: v.nullable(v.string()),
      /** Either code in words; null when there is none. */
      reasonLabel: v.nullable(v.string()),
      recordId: v.nullable(v.string()),
    }),
  ),
  reminders: v.array(
    v.object({
      kind: v.string(),
      kindLabel: v.string(),
      template: v.string(),
      templateLabel: v.string(),
      cycle: v.string(),
      relation: v.string(),
      relationLabel: v.string(),
      status: v.string(),
      statusLabel: v.string(),
      attempts: v.number(),
      createdAt: v.string(),
      doneAt: v.nullable(v.string()),
    }),
  ),
})
export type PersonDetail = v.InferOutput<typeof PersonDetailSchema>

const PersonIdParams = v.object({ personId: v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{1,64}$/, 'AGENCY_OUT_OF_SCOPE')) })

export const PERSONS_ENDPOINTS = agencyEndpoints({
  personsSearch: { method: 'POST', path: '/persons/search', roles: ANY_AGENCY_ROLE, input: PersonSearchInputSchema, answer: PersonSearchAnswerSchema },
  personDetail: { method: 'GET', path: '/persons/:personId', roles: ANY_AGENCY_ROLE, params: PersonIdParams, answer: PersonDetailSchema },
})
