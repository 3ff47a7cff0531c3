/** Test helpers: fixture traces (read from __tests__/fixtures only), trace transforms, a seeded RNG. */
import { join } from 'node:path'
import { readLabels, readTrace } from '../../../scripts/liveness/trace-io'
import type { LabelFile } from '../../../src/core/liveness/eval'
import type { Trace } from '../../../src/core/liveness/trace/format'
import type { ActionName, TrackerFace, TrackerFrame } from '../../../src/core/liveness/types'

export const FIXTURES = join(__dirname, '..', '..', 'fixtures', 'liveness')
export const TRACES_DIR = join(FIXTURES, 'traces')
export const LABELS_DIR = join(FIXTURES, 'labels')
export const CLIPS = ['cap12_edit', 'cap13_edit2', 'franck'] as const
export type Clip = (typeof CLIPS)[number]

const traceCache = new Map<string, Trace>()
export function loadTrace(clip: Clip): Trace {
  let t = traceCache.get(clip)
  if (!t) {
    t = readTrace(join(TRACES_DIR, `${clip}.jsonl.gz`))
    traceCache.set(clip, t)
  }
  return t
}

export function loadLabels(clip: Clip): LabelFile {
  return readLabels(join(LABELS_DIR, `${clip}.json`))
}

/**
 * Challenges a clip's labels support under the session's order rule: sequences of confirmed segments
 * (in time order, neighbours different) such that no segment of a later challenged action (confirmed or
 * uncertain; blinks excepted, the session ignores early blinks) ends before the segment of an earlier
 * step. Returns every such pair and triple, and the longest such run from the first confirmed segment.
 */
export function supportedChallenges(clip: Clip): ActionName[][] {
  const all = loadLabels(clip).segments.slice().sort((a, b) => a.startMs - b.startMs)
  const conf = all.filter((s) => !s.uncertain)
  const ok = (seq: typeof conf): boolean => {
    for (let k = 1; k < seq.length; k++) {
      if (seq[k].action === seq[k - 1].action) return false
      for (let m = k; m < seq.length; m++) {
        const later = seq[m].action
        if (later === 'blink' || seq.slice(0, k).some((s) => s.action === later)) continue
        // a later action must not happen before the segment that satisfies the step before it
        if (all.some((s) => s.action === later && s.startMs <= seq[k - 1].endMs && s !== seq[m])) return false
      }
    }
    return true
  }
  const out: ActionName[][] = conf.map((s) => [s.action])
  for (let i = 0; i < conf.length; i++)
    for (let j = i + 1; j < conf.length; j++) {
      if (ok([conf[i], conf[j]])) out.push([conf[i].action, conf[j].action])
      for (let k = j + 1; k < conf.length; k++) if (ok([conf[i], conf[j], conf[k]])) out.push([conf[i].action, conf[j].action, conf[k].action])
    }
  const key = (c: ActionName[]) => c.join(',')
  return out.filter((c, i) => out.findIndex((d) => key(d) === key(c)) === i)
}

/** Confirmed (not uncertain) actions of a clip in time order. */
export function confirmedActions(clip: Clip): ActionName[] {
  return loadLabels(clip)
    .segments.filter((s) => !s.uncertain)
    .sort((a, b) => a.startMs - b.startMs)
    .map((s) => s.action)
}

/** Slow motion: every time multiplied by `factor` (same frames, so the frame rate drops). */
export function stretch(frames: readonly TrackerFrame[], factor: number): TrackerFrame[] {
  return frames.map((f) => ({ ...f, t: f.t * factor }))
}

/** Slow motion at the original frame rate: times doubled and each frame shown twice. */
export function stretchKeepFps(frames: readonly TrackerFrame[]): TrackerFrame[] {
  const out: TrackerFrame[] = []
  for (let i = 0; i < frames.length; i++) {
    const t = frames[i].t * 2
    const next = i + 1 < frames.length ? frames[i + 1].t * 2 : t + 2 * (frames[1].t - frames[0].t)
    out.push({ ...frames[i], t }, { ...frames[i], t: (t + next) / 2 })
  }
  return out
}

/** Keep one frame per 1000/fps ms (the first frame at or after each tick). */
export function thin(frames: readonly TrackerFrame[], fps: number): TrackerFrame[] {
  const step = 1000 / fps
  const out: TrackerFrame[] = []
  let next = frames.length ? frames[0].t : 0
  for (const f of frames) {
    if (f.t + 1e-6 >= next) {
      out.push(f)
      next += step
      while (next <= f.t) next += step
    }
  }
  return out
}

/** The seeded PRNG and the still-photo control live in src/core/liveness/controls.ts (shared with the CLI). */
export { rng, stillPhoto } from '../../../src/core/liveness/controls'

/** Add a second confident face (a shifted copy of the subject) to every frame from `fromMs`. */
export function withSecondFace(frames: readonly TrackerFrame[], fromMs = 0): TrackerFrame[] {
  return frames.map((f) => {
    if (f.t < fromMs || f.faces.length === 0) return f
    const s = f.faces[0]
    const other: TrackerFace = { ...s, score: 0.95, box: [s.box[0] * 0.3, s.box[1], s.box[2] * 0.8, s.box[3] * 0.8], points: s.points.map((v, i) => (i % 2 === 0 ? v * 0.3 : v)) }
    return { ...f, faces: [s, other] }
  })
}

/** Generous limits: these clips were not recorded as timed challenges (gaps of 15+ s between actions). */
export const CLIP_CONFIG = { actionTimeoutMs: 60000, totalTimeoutMs: 600000 }
