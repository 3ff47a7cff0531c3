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
      /** Set while the pension is suspended for a missed certification. */
      suspendedSince?: string
      lastResult?: LastResultView
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
}

export interface RecordsView {
  records: RecordView[]
}

export const RecordsQuerySchema = v.object({
  limit: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(100)), 20),
  before: v.optional(v.pipe(v.string(), v.isoTimestamp())),
})
export const BackendRecordsSchema = v.object({ caller: CallerSchema, ...RecordsQuerySchema.entries })
