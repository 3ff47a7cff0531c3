import * as v from 'valibot'
import type { InsuranceType } from '../insurance'
import type { CertStatus, Performer, RecordChannel, RecordMethod, RecordResult } from './common'
import { CallerSchema } from './common'

/** A person as shown in the app: masked, never the whole ID number. */
export interface MaskedPerson {
  maskedName: string
  maskedIdNumber: string
  insuranceType: InsuranceType
  insuranceLabel: string
}

export interface LoginView {
  bound: boolean
  person?: MaskedPerson
}

export interface BindingView {
  bound: true
  person: MaskedPerson
  boundAt: string
}

export interface LastResultView {
  result: RecordResult
  resultLabel: string
  certifiedAt: string
}

export type StatusView =
  | { bound: false }
  | {
      bound: true
      person: MaskedPerson
      status: CertStatus
      statusLabel: string
      /** ISO date (YYYY-MM-DD) of the first day of the due month. */
      nextDueDate: string
      /** e.g. 2027年3月 */
      nextDueMonthLabel: string
      /** The last day to certify, e.g. 2027年3月31日 (what the pages show: 请在…前完成认证). */
      nextDueDeadlineLabel: string
      /** Set while the pension is suspended for a missed certification. */
      suspendedSince?: string
      /** The latest record that counts for the state: a pass while certified, else the latest record. */
      lastResult?: LastResultView
      /**
       * A voluntary retry after this cycle's pass that did not pass (failed, or still under review):
       * shown as a retry that changes nothing, never as the cycle's result.
       */
      laterRetry?: LastResultView
    }

export interface RecordView {
  id: string
  certifiedAt: string
  result: RecordResult
  resultLabel: string
  method: RecordMethod
  methodLabel: string
  channel: RecordChannel
  channelLabel: string
  performedBy: Performer
  performedByLabel: string
  /** A try made while the person was already certified for the cycle (it does not change the state). */
  retryAfterPass?: boolean
}

export interface RecordsView {
  records: RecordView[]
  /** Set when the records are a 家人's: whose they are (masked), for the page's heading. */
  relative?: { relativeId: string; maskedName: string; relationLabel: string }
}

export const RecordsQuerySchema = v.object({
  /** A 家人's records (the account's own link, opaque id) instead of the bound person's. */
  relativeId: v.optional(v.pipe(v.string('RELATIVE_NOT_FOUND'), v.uuid('RELATIVE_NOT_FOUND'))),
  limit: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(100)), 20),
  before: v.optional(v.pipe(v.string(), v.isoTimestamp())),
})
export const BackendRecordsSchema = v.object({ caller: CallerSchema, ...RecordsQuerySchema.entries })
