/**
 * Session-level evaluation (what a retiree feels): genuine single-action sessions started before every
 * labelled confirmed action, and three controls per clip that must never pass (a still photo, a slideshow,
 * and actions the person never performs). Sessions run with the production session config (no overrides).
 */
import { LivenessEngine, sourceFromHeader } from '../../src/core/liveness/engine'
import { pickFaceFrames, slideshow, stillPhoto } from '../../src/core/liveness/controls'
import type { LivenessVerdict } from '../../src/core/liveness/session/machine'
import { ACTION_NAMES, type ActionName, type TrackerFrame } from '../../src/core/liveness/types'
import { hashName, traceFps, type Clip } from './dataset'

export const DEFAULT_LEAD_MS = 4000
export const STILL_MS = 40000
export const SLIDESHOW_MS = 10000
export const SLIDESHOW_DWELL_MS = 1000
/** Detections within this of the labelled segment count as passing "on the label" (as in eval). */
const SLACK_MS = 200

export interface SessionOutcome {
  passed: boolean
  /** The verdict's reason (null when passed). */
  reason: string | null
  /** false: the frames ran out before the session decided; the reason is what finish() returned. */
  decided: boolean
  /** Verdict time minus the session's first frame time. */
  durationMs: number
}

/** One session over `frames` (t need only be monotonic) with the default session config. */
export function runOne(clip: Clip, frames: readonly TrackerFrame[], challenge: readonly ActionName[]): SessionOutcome & { verdict: LivenessVerdict } {
  const engine = new LivenessEngine(sourceFromHeader(clip.trace.header), challenge)
  for (let i = 0; i < frames.length; i++) {
    engine.pushFrame(frames[i])
    if (engine.session.verdict) break
  }
  const decided = engine.session.verdict !== null
  const verdict = engine.session.verdict ?? engine.finish()
  return { verdict, passed: verdict.passed, reason: verdict.reason, decided, durationMs: verdict.endMs - verdict.startMs }
}

/** Frames from the first with t ≥ fromMs to the end, re-based so the first is at t = 0. */
export function windowFrom(frames: readonly TrackerFrame[], fromMs: number): TrackerFrame[] {
  let i = 0
  while (i < frames.length && frames[i].t < fromMs) i++
  if (i >= frames.length) return []
  const t0 = frames[i].t
  return frames.slice(i).map((f) => ({ ...f, t: f.t - t0 }))
}

export interface GenuineRun extends SessionOutcome {
  clip: string
  action: ActionName
  segmentStartMs: number
  /** The lead actually available (less than asked when the segment is near the start of the clip). */
  leadMs: number
  /** Passed on a detection overlapping the labelled segment (±200 ms). */
  onLabel: boolean
}

export interface ControlRun extends SessionOutcome {
  clip: string
  action: ActionName
  /** Where the session started in the clip (never-performed controls run back to back over the whole clip). */
  fromMs: number
}

export interface Tally {
  sessions: number
  passed: number
  /** Reasons of failed sessions that reached a verdict. */
  reasons: Record<string, number>
  /** Sessions whose frames ran out before a verdict (not scored), by what finish() returned. */
  ended: Record<string, number>
}

export interface ActionRow extends Tally {
  action: ActionName
  /** Sessions that reached a verdict. */
  scored: number
  /** passed / scored, null when nothing was scored. */
  passRate: number | null
  /** Median time from the session's first frame to the pass (ms), null when nothing passed. */
  medianPassMs: number | null
  /** Passes on a detection overlapping the labelled segment. */
  onLabel: number
}

export interface SessionsResult {
  leadMs: number
  clips: number
  perAction: ActionRow[]
  controls: { still: Tally; slideshow: Tally; neverPerformed: Tally }
  genuine: GenuineRun[]
  controlRuns: { still: ControlRun[]; slideshow: ControlRun[]; neverPerformed: ControlRun[] }
}

function tally(runs: readonly SessionOutcome[]): Tally {
  const t: Tally = { sessions: runs.length, passed: 0, reasons: {}, ended: {} }
  for (const r of runs) {
    if (r.passed) t.passed++
    else if (r.decided) t.reasons[r.reason ?? '?'] = (t.reasons[r.reason ?? '?'] ?? 0) + 1
    else t.ended[r.reason ?? '?'] = (t.ended[r.reason ?? '?'] ?? 0) + 1
  }
  return t
}

export function median(xs: readonly number[]): number | null {
  if (xs.length === 0) return null
  const s = xs.slice().sort((a, b) => a - b)
  const m = s.length >> 1
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2
}

/** Genuine sessions: one per confirmed segment, starting leadMs before it, challenge = that action. */
export function genuineRuns(clip: Clip, leadMs: number): GenuineRun[] {
  const frames = clip.trace.frames
  if (frames.length === 0) return []
  const out: GenuineRun[] = []
  const segs = clip.labels.segments.filter((s) => !s.uncertain).sort((a, b) => a.startMs - b.startMs)
  for (const s of segs) {
    const window = windowFrom(frames, s.startMs - leadMs)
    if (window.length === 0) continue
    const t0 = frames[frames.length - window.length].t
    const r = runOne(clip, window, [s.action])
    const acc = r.verdict.actions[0]
    const onLabel = r.passed && acc !== undefined && acc.startMs + t0 <= s.endMs + SLACK_MS && acc.endMs + t0 >= s.startMs - SLACK_MS
    out.push({ clip: clip.name, action: s.action, segmentStartMs: s.startMs, leadMs: s.startMs - t0, onLabel, passed: r.passed, reason: r.reason, decided: r.decided, durationMs: r.durationMs })
  }
  return out
}

/** The jitter seeds of a clip's controls, from the run's seed (controls-stress.ts draws the same way). */
export const stillSeed = (clip: Clip, seed: number): number => (seed + hashName(clip.name)) >>> 0
export const slideshowSeed = (clip: Clip, seed: number): number => (seed + hashName(clip.name) + 1) >>> 0

/** Still photo: the middle frame with a face, held STILL_MS with jitter at the clip's rate, under every action. */
export function stillRuns(clip: Clip, seed = 1): ControlRun[] {
  const [frame] = pickFaceFrames(clip.trace.frames, 1)
  if (!frame) return []
  const photo = stillPhoto(frame, STILL_MS, traceFps(clip.trace), stillSeed(clip, seed))
  return ACTION_NAMES.map((action) => ({ clip: clip.name, action, fromMs: 0, ...pick(runOne(clip, photo, [action])) }))
}

/** Slideshow: four frames of the clip (at 1/5 … 4/5) in turn, SLIDESHOW_DWELL_MS each, for SLIDESHOW_MS, under every action. */
export function slideshowRuns(clip: Clip, seed = 1): ControlRun[] {
  const photos = pickFaceFrames(clip.trace.frames, 4)
  if (photos.length === 0) return []
  const frames = slideshow(photos, SLIDESHOW_MS, traceFps(clip.trace), slideshowSeed(clip, seed), SLIDESHOW_DWELL_MS)
  return ACTION_NAMES.map((action) => ({ clip: clip.name, action, fromMs: 0, ...pick(runOne(clip, frames, [action])) }))
}

/** Actions with no labelled segment at all (confirmed or uncertain) in the clip. */
export function neverPerformed(clip: Clip): ActionName[] {
  return ACTION_NAMES.filter((a) => !clip.labels.segments.some((s) => s.action === a))
}

/**
 * Never-performed actions: for each, sessions back to back over the whole clip (a new one starts where the
 * last one decided, as a person retrying would), so every frame is covered.
 */
export function neverPerformedRuns(clip: Clip): ControlRun[] {
  const out: ControlRun[] = []
  const frames = clip.trace.frames
  for (const action of neverPerformed(clip)) {
    let from = frames.length ? frames[0].t : 0
    for (;;) {
      const window = windowFrom(frames, from)
      if (window.length === 0) break
      const t0 = frames[frames.length - window.length].t
      const r = runOne(clip, window, [action])
      out.push({ clip: clip.name, action, fromMs: t0, ...pick(r) })
      if (!r.decided || r.passed) break
      from = t0 + r.verdict.endMs + 1e-6
    }
  }
  return out
}

function pick(r: SessionOutcome): SessionOutcome {
  return { passed: r.passed, reason: r.reason, decided: r.decided, durationMs: r.durationMs }
}

/** Everything for a set of clips. */
export function evaluateSessions(clips: readonly Clip[], opts: { leadMs?: number; seed?: number } = {}): SessionsResult {
  const leadMs = opts.leadMs ?? DEFAULT_LEAD_MS
  const genuine = clips.flatMap((c) => genuineRuns(c, leadMs))
  const still = clips.flatMap((c) => stillRuns(c, opts.seed))
  const slides = clips.flatMap((c) => slideshowRuns(c, opts.seed))
  const never = clips.flatMap((c) => neverPerformedRuns(c))
  const perAction: ActionRow[] = ACTION_NAMES.map((action) => {
    const runs = genuine.filter((g) => g.action === action)
    const t = tally(runs)
    const scored = runs.filter((r) => r.decided).length
    return {
      action,
      ...t,
      scored,
      passRate: scored > 0 ? t.passed / scored : null,
      medianPassMs: median(runs.filter((r) => r.passed).map((r) => r.durationMs)),
      onLabel: runs.filter((r) => r.onLabel).length,
    }
  })
  return {
    leadMs,
    clips: clips.length,
    perAction,
    controls: { still: tally(still), slideshow: tally(slides), neverPerformed: tally(never) },
    genuine,
    controlRuns: { still, slideshow: slides, neverPerformed: never },
  }
}

const reasonsText = (r: Record<string, number>): string =>
  Object.keys(r).length === 0
    ? '-'
    : Object.entries(r)
        .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
        .map(([k, n]) => `${k}×${n}`)
        .join(', ')

export const pct = (x: number | null): string => (x === null ? 'n/a' : `${(100 * x).toFixed(1)}%`)
export const secs = (ms: number | null): string => (ms === null ? '-' : `${(ms / 1000).toFixed(1)} s`)

/** The plain table of a sessions result. */
export function formatSessions(r: SessionsResult): string[] {
  const lines = [`genuine sessions: ${r.clips} clips, start ${r.leadMs} ms before each confirmed action, challenge = that action, default session config`]
  lines.push('action       sessions  scored  passed  pass rate  on label  median to pass  failures                 ended before a verdict (not scored)')
  for (const a of r.perAction) {
    lines.push(
      `${a.action.padEnd(12)} ${String(a.sessions).padStart(8)}  ${String(a.scored).padStart(6)}  ${String(a.passed).padStart(6)}  ${pct(a.passRate).padStart(9)}  ${String(a.onLabel).padStart(8)}  ${secs(a.medianPassMs).padStart(14)}  ${reasonsText(a.reasons).padEnd(23)}  ${reasonsText(a.ended)}`,
    )
  }
  lines.push('')
  lines.push(`${'controls (must never pass)'.padEnd(41)} sessions  passed  failures                 ended before a verdict`)
  const row = (label: string, t: Tally) =>
    `${label.padEnd(41)} ${String(t.sessions).padStart(8)}  ${String(t.passed).padStart(6)}  ${reasonsText(t.reasons).padEnd(23)}  ${reasonsText(t.ended)}`
  lines.push(row(`still photo (${STILL_MS / 1000} s, every action)`, r.controls.still))
  lines.push(row(`slideshow (4 frames, ${SLIDESHOW_MS / 1000} s, every action)`, r.controls.slideshow))
  lines.push(row('actions never performed', r.controls.neverPerformed))
  for (const [kind, runs] of Object.entries(r.controlRuns)) {
    for (const c of runs) if (c.passed) lines.push(`  PASSED ${kind}: ${c.clip} ${c.action} (session from ${Math.round(c.fromMs)} ms)`)
  }
  return lines
}
