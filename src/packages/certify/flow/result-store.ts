/**
 * Hands the completion answer from the camera page to the result page (same subpackage, same JS
 * context). Only the record id travels in the URL; the view itself stays in memory.
 */
import type { CertificationResultView } from '@/core/contracts/certification'

let last: CertificationResultView | null = null

export function saveResult(view: CertificationResultView): void {
  last = view
}

/** The saved answer for this record id (or the last one when no id is given). */
export function readResult(recordId?: string): CertificationResultView | null {
  if (!last) return null
  if (recordId && last.recordId !== recordId) return null
  return last
}

export function clearResultForTests(): void {
  last = null
}
