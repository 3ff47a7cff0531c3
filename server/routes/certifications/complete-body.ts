/**
 * The 完成认证 body checked at less cost: its observation summary holds ~8,000 values (20 s at
 * 25 fps × 17 fields, up to 340,000), and valibot checks each one through its own schema calls
 * (about 0.25 ms a body, on the event loop). This twin checks them in one loop and is otherwise the
 * contract's schema; it accepts exactly what BackendCompleteCertificationSchema accepts, and a body
 * it refuses is parsed by the contract's schema for the refusal (parseFirstWith in http/validate.ts).
 */
import * as v from 'valibot'
import { BackendCompleteCertificationSchema, ObservationSummarySchema, SUMMARY_MAX_FRAMES } from '../../../src/core/contracts/certification'
import { SUMMARY_FIELDS } from '../../../src/core/liveness/summary'

const MAX_VALUES = SUMMARY_MAX_FRAMES * SUMMARY_FIELDS.length

/** What the contract's `data` schema accepts: an array of at most MAX_VALUES values, each null or a safe integer. */
export function isSummaryData(x: unknown): x is (number | null)[] {
  if (!Array.isArray(x) || x.length > MAX_VALUES) return false
  for (let i = 0; i < x.length; i++) {
    // A hole reads as undefined and is refused, as valibot refuses it.
    const value: unknown = x[i]
    if (value !== null && !Number.isSafeInteger(value)) return false
  }
  return true
}

export const CompleteBodyTwin = v.object({
  ...BackendCompleteCertificationSchema.entries,
  summary: v.object({ ...ObservationSummarySchema.entries, data: v.custom<(number | null)[]>(isSummaryData, 'TRACE_IMPLAUSIBLE') }, 'TRACE_IMPLAUSIBLE'),
})
