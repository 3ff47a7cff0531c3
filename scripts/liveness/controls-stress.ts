/**
 * The attack controls widened: the report's still photo (one frame, 40 s) and slideshow (4 frames,
 * 1000 ms each, 10 s) are one draw each per clip; an attacker is not bound to them. Here every clip
 * is tried with several photos, photo counts, dwell times, longer slideshows and jitter seeds, under
 * every action. Nothing here must pass either; the counts say how far from that the engine is.
 */
import { pickFaceFrames, slideshow, stillPhoto } from '../../src/core/liveness/controls'
import { ACTION_NAMES, type ActionName, type TrackerFrame } from '../../src/core/liveness/types'
import { traceFps, type Clip } from './dataset'
import { runOne, slideshowSeed, STILL_MS, stillSeed } from './sessions'

export interface StressOptions {
  /** Jitter seeds 1..seeds. */
  seeds: number
  /** Frames held as still photos per clip (picked evenly). */
  stillFrames: number
  stillMs: number
  /** Photos per slideshow, dwell per photo (ms), and how long it runs (ms). */
  photoCounts: readonly number[]
  dwellsMs: readonly number[]
  slideshowMs: number
}

export const DEFAULT_STRESS: StressOptions = {
  seeds: 3,
  stillFrames: 3,
  stillMs: STILL_MS,
  photoCounts: [2, 4, 6],
  dwellsMs: [400, 1000, 2500],
  slideshowMs: 45000,
}

export interface StressTally {
  sessions: number
  passed: number
  /** Passes per challenged action. */
  byAction: Partial<Record<ActionName, number>>
}

export interface StressPass {
  clip: string
  kind: 'still' | 'slideshow'
  /** What was shown: the photo's time in the clip, or `<photos> x <dwell> ms`. */
  shown: string
  seed: number
  action: ActionName
}

export interface StressResult {
  still: StressTally
  slideshow: StressTally
  passes: StressPass[]
}

const emptyTally = (): StressTally => ({ sessions: 0, passed: 0, byAction: {} })

/** Still photos and slideshows of every clip under every action; seeds are drawn as the report's controls draw seed 1. */
export function stressControls(clips: readonly Clip[], opts: StressOptions = DEFAULT_STRESS): StressResult {
  const out: StressResult = { still: emptyTally(), slideshow: emptyTally(), passes: [] }
  const tryAll = (clip: Clip, kind: StressPass['kind'], shown: string, seed: number, frames: readonly TrackerFrame[]): void => {
    const tally = out[kind]
    for (const action of ACTION_NAMES) {
      tally.sessions++
      if (!runOne(clip, frames, [action]).passed) continue
      tally.passed++
      tally.byAction[action] = (tally.byAction[action] ?? 0) + 1
      out.passes.push({ clip: clip.name, kind, shown, seed, action })
    }
  }
  for (const clip of clips) {
    const fps = traceFps(clip.trace)
    // the same photos for every seed: only the jitter changes
    const stills = pickFaceFrames(clip.trace.frames, opts.stillFrames)
    const shows = opts.photoCounts.map((count) => ({ count, photos: pickFaceFrames(clip.trace.frames, count) })).filter((s) => s.photos.length > 0)
    for (let seed = 1; seed <= opts.seeds; seed++) {
      for (const photo of stills) tryAll(clip, 'still', `${Math.round(photo.t)} ms`, seed, stillPhoto(photo, opts.stillMs, fps, stillSeed(clip, seed)))
      for (const { count, photos } of shows) {
        for (const dwell of opts.dwellsMs) {
          tryAll(clip, 'slideshow', `${count} x ${dwell} ms`, seed, slideshow(photos, opts.slideshowMs, fps, slideshowSeed(clip, seed), dwell))
        }
      }
    }
  }
  return out
}

const cell = (t: StressTally): string => {
  const by = ACTION_NAMES.filter((a) => t.byAction[a]).map((a) => `${a} ${t.byAction[a]}`)
  return `${t.passed}/${t.sessions}${by.length ? ` (${by.join(', ')})` : ''}`
}

/** One markdown row per family, then the passes themselves (at most `listPasses`). */
export function formatStress(rows: readonly { family: string; result: StressResult }[], opts: StressOptions, listPasses = 40): string[] {
  const lines = [
    `### Widened controls: passed/sessions (still photos: ${opts.stillFrames} frames x ${opts.stillMs / 1000} s; slideshows: ${opts.photoCounts.join('/')} photos x ${opts.dwellsMs.join('/')} ms for ${opts.slideshowMs / 1000} s; seeds 1-${opts.seeds}; every action)`,
    '',
    '| family | still photo | slideshow |',
    '|---|---|---|',
    ...rows.map((r) => `| ${r.family} | ${cell(r.result.still)} | ${cell(r.result.slideshow)} |`),
  ]
  const passes = rows.flatMap((r) => r.result.passes.map((p) => ({ family: r.family, ...p })))
  if (passes.length > 0) {
    lines.push('', `Passes (${passes.length}${passes.length > listPasses ? `, first ${listPasses}` : ''}):`)
    for (const p of passes.slice(0, listPasses)) lines.push(`- ${p.family} ${p.clip}: ${p.kind} ${p.shown}, seed ${p.seed}, ${p.action}`)
  }
  return lines
}
