/**
 * Scoring detections against labelled segments (pure). A detection is a true positive when it overlaps
 * (with `slackMs` on both sides) a confirmed segment of the same action that no earlier detection has
 * taken; a detection that overlaps only "uncertain" segments (or an already-taken confirmed one plus an
 * uncertain one) is don't-care; any other detection, including a second detection of an already-matched
 * confirmed segment, is a false positive. Unmatched confirmed segments are misses; uncertain segments are
 * never misses.
 */
import { LivenessInputError } from './errors'
import { ACTION_NAMES, isActionName, type ActionEvent, type ActionName } from './types'

export interface LabelSegment {
  action: ActionName
  startMs: number
  endMs: number
  uncertain?: boolean
}

export interface LabelFile {
  source?: string
  segments: LabelSegment[]
  notes?: string
}

export interface ActionScore {
  action: ActionName
  tp: number
  fp: number
  fn: number
  /** Confirmed segments labelled for this action. */
  labelled: number
  precision: number
  recall: number
  f1: number
}

export function parseLabels(text: string): LabelFile {
  let raw: unknown
  try {
    raw = JSON.parse(text)
  } catch {
    throw new LivenessInputError('LABELS_BAD', 'JSON')
  }
  const o = raw as { segments?: unknown } | null
  if (!o || typeof o !== 'object' || !Array.isArray(o.segments)) throw new LivenessInputError('LABELS_BAD')
  for (const s of o.segments as Record<string, unknown>[]) {
    if (!s || !isActionName(s.action) || typeof s.startMs !== 'number' || typeof s.endMs !== 'number' || s.endMs < s.startMs) {
      throw new LivenessInputError('LABELS_BAD')
    }
  }
  return o as LabelFile
}

/** What scoring needs of a detection. */
export type Detection = Pick<ActionEvent, 'action' | 'startMs' | 'endMs'>

const overlaps = (d: Detection, s: LabelSegment, slack: number): boolean => d.startMs <= s.endMs + slack && d.endMs >= s.startMs - slack

export interface Counts {
  tp: number
  fp: number
  fn: number
  labelled: number
}

/** Counts per action for one clip. */
export function countMatches(detected: readonly Detection[], segments: readonly LabelSegment[], slackMs = 200): Record<ActionName, Counts> {
  const res = {} as Record<ActionName, Counts>
  for (const a of ACTION_NAMES) res[a] = { tp: 0, fp: 0, fn: 0, labelled: 0 }
  const taken = new Array<boolean>(segments.length).fill(false)
  const sorted = detected.slice().sort((a, b) => a.startMs - b.startMs || a.endMs - b.endMs)
  for (const d of sorted) {
    let matched = -1
    let dontCare = false
    for (let i = 0; i < segments.length; i++) {
      const s = segments[i]
      if (s.action !== d.action || !overlaps(d, s, slackMs)) continue
      if (s.uncertain) dontCare = true
      else if (!taken[i] && matched < 0) matched = i
    }
    if (matched >= 0) {
      taken[matched] = true
      res[d.action].tp++
    } else if (!dontCare) {
      res[d.action].fp++
    }
  }
  segments.forEach((s, i) => {
    if (s.uncertain) return
    res[s.action].labelled++
    if (!taken[i]) res[s.action].fn++
  })
  return res
}

export function addCounts(into: Record<ActionName, Counts>, add: Record<ActionName, Counts>): void {
  for (const a of ACTION_NAMES) {
    into[a].tp += add[a].tp
    into[a].fp += add[a].fp
    into[a].fn += add[a].fn
    into[a].labelled += add[a].labelled
  }
}

export function emptyCounts(): Record<ActionName, Counts> {
  const res = {} as Record<ActionName, Counts>
  for (const a of ACTION_NAMES) res[a] = { tp: 0, fp: 0, fn: 0, labelled: 0 }
  return res
}

/** Precision/recall/F1 per action (1 when there is nothing to find and nothing was found). */
export function scores(counts: Record<ActionName, Counts>): ActionScore[] {
  return ACTION_NAMES.map((action) => {
    const { tp, fp, fn, labelled } = counts[action]
    const precision = tp + fp === 0 ? 1 : tp / (tp + fp)
    const recall = tp + fn === 0 ? 1 : tp / (tp + fn)
    const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall)
    return { action, tp, fp, fn, labelled, precision, recall, f1 }
  })
}

/**
 * The label file name (without .json) for a trace name: a low-frame-rate variant `<clip>.<thin|blur>.<fps>`,
 * or one sampled from a later source frame `<clip>.blur.<fps>.p<n>` (see __tests__/fixtures/liveness/lowfps
 * and lowfps-made), is on the original clip's time axis and uses `<clip>`'s labels.
 */
export function labelsNameFor(traceName: string): string {
  const m = /^(.+)\.(?:thin|blur)\.\d+(?:\.\d+)?(?:\.p\d+)?$/.exec(traceName)
  return m ? m[1] : traceName
}
