/**
 * Hands the completion answer from the camera page to the result page (same subpackage, same JS
 * context). Only the record id travels in the URL; the view itself stays in memory. The camera
 * chosen on 认证须知 is remembered too, so 重新认证 can go straight back to the camera with it.
 */
import type { CertificationResultView } from '@/core/contracts/certification'
import type { CertSubject } from './subject'
import type { Facing } from './texts'

let last: CertificationResultView | null = null
let facing: Facing | null = null

export function saveResult(view: CertificationResultView): void {
  last = view
}

/** The saved answer for this record id (or the last one when no id is given). */
export function readResult(recordId?: string): CertificationResultView | null {
  if (!last) return null
  if (recordId && last.recordId !== recordId) return null
  return last
}

/** 认证须知 calls this when it opens the camera. */
export function rememberFacing(f: Facing): void {
  facing = f
}

/**
 * The camera for 重新认证: the page's own ?facing= when it has one, else the one chosen on 认证须知,
 * else that page's default (帮TA认证: the back camera, the helper films the relative).
 */
export function retryFacing(param: string | undefined, subject: CertSubject): Facing {
  if (param === 'front' || param === 'back') return param
  if (facing) return facing
  return subject.kind === 'relative' || subject.kind === 'unit' ? 'back' : 'front'
}

export function clearResultForTests(): void {
  last = null
  facing = null
}
