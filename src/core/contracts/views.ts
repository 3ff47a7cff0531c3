import * as v from 'valibot'
import { CallerSchema, CERT_STATUSES, InsuranceTypeSchema, RECORD_FACT_ENTRIES, RECORD_RESULTS } from './common'

/** A person as shown in the app: masked, never the whole ID number. */
export const MaskedPersonSchema = v.object({
  maskedName: v.string(),
  maskedIdNumber: v.string(),
  insuranceType: InsuranceTypeSchema,
  insuranceLabel: v.string(),
})
export type MaskedPerson = v.InferOutput<typeof MaskedPersonSchema>

export const LoginViewSchema = v.object({ bound: v.boolean(), person: v.optional(MaskedPersonSchema) })
export type LoginView = v.InferOutput<typeof LoginViewSchema>

export const BindingViewSchema = v.object({ bound: v.literal(true), person: MaskedPersonSchema, boundAt: v.string() })
export type BindingView = v.InferOutput<typeof BindingViewSchema>

/** Set on a record an agency reviewer rejected: 审核未通过 with the reason, and what to do next. */
const ReviewNoteEntry = { reviewNote: v.optional(v.string()) }

export const LastResultViewSchema = v.object({ result: v.picklist(RECORD_RESULTS), resultLabel: v.string(), certifiedAt: v.string(), ...ReviewNoteEntry })
export type LastResultView = v.InferOutput<typeof LastResultViewSchema>

/** Where a person stands this cycle: the fields the status view and a relative's entry share. */
export const STANDING_ENTRIES = {
  status: v.picklist(CERT_STATUSES),
  statusLabel: v.string(),
  /** ISO date (YYYY-MM-DD) of the first day of the due month. */
  nextDueDate: v.string(),
  /** e.g. 2027年3月 */
  nextDueMonthLabel: v.string(),
  /** The last day to certify, e.g. 2027年3月31日 (what the pages show: 请在…前完成认证). */
  nextDueDeadlineLabel: v.string(),
  /** Set while the pension is suspended for a missed certification. */
  suspendedSince: v.optional(v.string()),
  /** The latest record that counts for the state: a pass while certified, else the latest record. */
  lastResult: v.optional(LastResultViewSchema),
  /**
   * A voluntary retry after this cycle's pass that did not pass (failed, or still under review):
   * shown as a retry that changes nothing, never as the cycle's result.
   */
  laterRetry: v.optional(LastResultViewSchema),
  /** Beijing date (YYYY-MM-DD) of this cycle's pass when it was 静默认证 (data comparison): no face check needed. */
  silentCertifiedOn: v.optional(v.string()),
}

/** The bound person's status (also the masked answer of 认证查询). */
export const BoundStatusViewSchema = v.object({
  bound: v.literal(true),
  person: MaskedPersonSchema,
  ...STANDING_ENTRIES,
})
export const StatusViewSchema = v.variant('bound', [v.object({ bound: v.literal(false) }), BoundStatusViewSchema])
export type StatusView = v.InferOutput<typeof StatusViewSchema>

export const RecordViewSchema = v.object({
  id: v.string(),
  ...RECORD_FACT_ENTRIES,
  performedByLabel: v.string(),
  /** A try made while the person was already certified for the cycle (it does not change the state). */
  retryAfterPass: v.optional(v.boolean()),
  ...ReviewNoteEntry,
})
export type RecordView = v.InferOutput<typeof RecordViewSchema>

export const RecordsViewSchema = v.object({
  records: v.array(RecordViewSchema),
  /** Set when the records are a 家人's: whose they are (masked), for the page's heading. */
  relative: v.optional(v.object({ relativeId: v.string(), maskedName: v.string(), relationLabel: v.string() })),
})
export type RecordsView = v.InferOutput<typeof RecordsViewSchema>

export const RecordsQuerySchema = v.object({
  /** A 家人's records (the account's own link, opaque id) instead of the bound person's. */
  relativeId: v.optional(v.pipe(v.string('RELATIVE_NOT_FOUND'), v.uuid('RELATIVE_NOT_FOUND'))),
  limit: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(100)), 20),
  before: v.optional(v.pipe(v.string(), v.isoTimestamp())),
})
export const BackendRecordsSchema = v.object({ caller: CallerSchema, ...RecordsQuerySchema.entries })
