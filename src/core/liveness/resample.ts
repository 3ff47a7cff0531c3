/**
 * Lower frame rates made in memory from a full-rate trace (pure), for evaluation only.
 *
 * - thin: for each slot T = k·1000/fps (k = 0, 1, …) keep the last source frame with t ≤ T and give it
 *   t = T (rounded to 0.001 ms, as the trace files are). Slots run while T is inside the last source
 *   frame's display interval. This reproduces the `lowfps/…thin.<fps>` traces frame for frame (ffmpeg
 *   `fps=<fps>:round=up` on a lossless encode, traced on the original time axis).
 * - blend: each kept frame becomes the average of the N source frames ending at it (landmark points, box,
 *   angles; fewer at the start of the trace), N = round(source fps / fps) with a tie rounded down. This is
 *   an APPROXIMATION of the `lowfps/…blur.<fps>` traces: those average the images and re-compress them
 *   before the tracker sees them; averaging the tracker's output is not the same (a blurred half-closed eye
 *   is not always traced as the mean of an open and a closed one, and compression adds its own noise).
 * - jitter: frames kept at random, deterministic for a seed, around the target rate with the gap spread of
 *   real low-rate webcams (measured: ~15 fps median gap 67 ms, 5–95 % 49–87 ms, max 122 ms; ~8 fps median
 *   126 ms, 5–95 % 91–180 ms, max 267 ms). Each kept frame keeps its ORIGINAL t. Gaps can only be whole
 *   numbers of source frame intervals, so they spread around those figures.
 */
import type { TrackerFace, TrackerFrame } from './types'

export type ResampleFps = 15 | 10 | 7.5
export const RESAMPLE_FPS: readonly ResampleFps[] = [15, 10, 7.5]

export function isResampleFps(v: number): v is ResampleFps {
  return (RESAMPLE_FPS as readonly number[]).includes(v)
}

export interface ResampleOptions {
  fps: ResampleFps
  /** Average the N source frames ending at each kept frame. */
  blend?: boolean
  /** Irregular gaps around the target rate (original t kept) instead of even slots. */
  jitter?: boolean
  /** Seed of the jitter (default 1). */
  seed?: number
  /** Rate of the source frames; default: 1000 / the median gap between them. */
  sourceFps?: number
}

/** Tolerance for comparing slot times with t values written to 0.001 ms. */
const EPS = 0.01

const round3 = (x: number): number => Math.round(x * 1000) / 1000

/** Median gap between consecutive frames (ms); NaN with fewer than two frames. */
export function medianGapMs(frames: readonly TrackerFrame[]): number {
  if (frames.length < 2) return NaN
  const gaps: number[] = []
  for (let i = 1; i < frames.length; i++) gaps.push(frames[i].t - frames[i - 1].t)
  gaps.sort((a, b) => a - b)
  const m = gaps.length >> 1
  return gaps.length % 2 ? gaps[m] : (gaps[m - 1] + gaps[m]) / 2
}

function sourceRate(frames: readonly TrackerFrame[], given?: number): number {
  if (given !== undefined && given > 0) return given
  const g = medianGapMs(frames)
  return g > 0 ? 1000 / g : 30
}

/** N = round(sourceFps / fps), a tie (x.5) rounded down, at least 1. */
export function blendWindow(sourceFps: number, fps: number): number {
  const r = sourceFps / fps
  return Math.max(1, Math.ceil(r - 0.5 - 1e-9))
}

/** Indices of the source frames kept for the even slots T = k·1000/fps, with the slot times. */
export function thinSlots(frames: readonly TrackerFrame[], fps: number, sourceFps?: number): { index: number; t: number }[] {
  const out: { index: number; t: number }[] = []
  if (frames.length === 0) return out
  const step = 1000 / fps
  const last = frames[frames.length - 1].t
  const end = last + 1000 / sourceRate(frames, sourceFps) // end of the last frame's display interval
  let j = 0
  for (let k = 0; ; k++) {
    const T = k * step
    if (T >= end - EPS) break
    if (frames[0].t > T + EPS) continue // slot before the first frame: nothing to show yet
    while (j + 1 < frames.length && frames[j + 1].t <= T + EPS) j++
    out.push({ index: j, t: round3(T) })
  }
  return out
}

/** Gap distribution (as ratios of the nominal gap 1000/fps) measured on real low-rate webcams. */
interface GapProfile {
  p5: number
  p95: number
  max: number
}
const GAPS_15: GapProfile = { p5: 49 / 67, p95: 87 / 67, max: 122 / 67 }
const GAPS_8: GapProfile = { p5: 91 / 126, p95: 180 / 126, max: 267 / 126 }

/** The gap profile at a rate: the ~15 fps measurement at 15 fps and above, the ~8 fps one at 8 and below, linear between. */
export function jitterProfile(fps: number): GapProfile & { nominalMs: number; min: number } {
  const w = Math.min(1, Math.max(0, (15 - fps) / (15 - 8)))
  const mix = (a: number, b: number) => a + (b - a) * w
  return { nominalMs: 1000 / fps, p5: mix(GAPS_15.p5, GAPS_8.p5), p95: mix(GAPS_15.p95, GAPS_8.p95), max: mix(GAPS_15.max, GAPS_8.max), min: 0.5 }
}

// A local binding: global lookups are slow in sandboxed contexts (jest's vm), and this runs per landmark.
const imul = Math.imul

/** Deterministic PRNG (mulberry32): uniform in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = imul(t ^ (t >>> 15), t | 1)
    t ^= t + imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const Z95 = 1.6449

/**
 * Indices of the source frames kept with irregular gaps. An ideal clock advances by gaps drawn from a
 * split log-normal (median = the nominal gap, 5th/95th percentiles and the maximum as measured, at least
 * half the nominal gap); each tick keeps the source frame nearest to it (later than the last kept one).
 */
export function jitterIndices(frames: readonly TrackerFrame[], fps: number, seed = 1): number[] {
  const out: number[] = []
  if (frames.length === 0) return out
  const p = jitterProfile(fps)
  const sLo = -Math.log(p.p5) / Z95
  const sHi = Math.log(p.p95) / Z95
  const r = mulberry32(seed)
  const normal = (): number => {
    // Box-Muller
    const u = 1 - r()
    const v = r()
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v)
  }
  const gap = (): number => {
    const z = normal()
    const ratio = Math.exp(z < 0 ? z * sLo : z * sHi)
    return p.nominalMs * Math.min(p.max, Math.max(p.min, ratio))
  }
  let clock = frames[0].t
  out.push(0)
  let j = 0
  const last = frames[frames.length - 1].t
  while (true) {
    clock += gap()
    if (clock > last + EPS) break
    let k = j
    while (k + 1 < frames.length && frames[k + 1].t <= clock + EPS) k++
    // k = the last frame at or before the clock; keep whichever of k and k+1 (later than j) is nearer
    if (k + 1 < frames.length && (k <= j || frames[k + 1].t - clock < clock - frames[k].t)) k++
    if (k <= j) continue
    out.push(k)
    j = k
  }
  return out
}

function subjectIndex(faces: readonly TrackerFace[]): number {
  let best = -1
  for (let i = 0; i < faces.length; i++) if (best < 0 || faces[i].score > faces[best].score) best = i
  return best
}

type AngleObj = { pitch: number; yaw: number; roll: number }

/** The frame at `index` with its subject face (highest score) averaged over the `n` source frames ending there. */
export function blendAt(frames: readonly TrackerFrame[], index: number, n: number): TrackerFrame {
  const kept = frames[index]
  const si = subjectIndex(kept.faces)
  if (n <= 1 || si < 0) return kept
  const subj = kept.faces[si]
  const group: TrackerFace[] = []
  let lumaSum = 0
  let lumaN = 0
  for (let i = Math.max(0, index - n + 1); i <= index; i++) {
    const f = frames[i]
    if (f.luma !== undefined) {
      lumaSum += f.luma
      lumaN++
    }
    const k = subjectIndex(f.faces)
    if (k < 0) continue
    const face = f.faces[k]
    if (face.points.length !== subj.points.length || face.box.length !== subj.box.length) continue
    if (Array.isArray(subj.angle) !== Array.isArray(face.angle) || (subj.angle == null) !== (face.angle == null)) continue
    group.push(face)
  }
  const m = group.length
  const mean = (get: (f: TrackerFace) => readonly number[], len: number): number[] => {
    const acc = new Array<number>(len).fill(0)
    for (const f of group) {
      const v = get(f)
      for (let i = 0; i < len; i++) acc[i] += v[i]
    }
    return acc.map((x) => x / m)
  }
  let angle: TrackerFace['angle'] = subj.angle
  if (Array.isArray(subj.angle)) {
    angle = mean((f) => f.angle as readonly number[], (subj.angle as readonly number[]).length)
  } else if (subj.angle) {
    const [pitch, yaw, roll] = mean((f) => {
      const a = f.angle as AngleObj
      return [a.pitch, a.yaw, a.roll]
    }, 3)
    angle = { pitch, yaw, roll }
  }
  const face: TrackerFace = {
    score: subj.score,
    box: mean((f) => f.box, subj.box.length),
    points: mean((f) => f.points, subj.points.length),
    angle,
  }
  const faces = kept.faces.slice()
  faces[si] = face
  const out: TrackerFrame = { t: kept.t, faces }
  if (lumaN > 0) out.luma = lumaSum / lumaN
  return out
}

/** Thin, blend and/or jitter a whole trace's frames. */
export function resampleFrames(frames: readonly TrackerFrame[], opts: ResampleOptions): TrackerFrame[] {
  const src = sourceRate(frames, opts.sourceFps)
  const n = opts.blend ? blendWindow(src, opts.fps) : 1
  const picked: { index: number; t: number }[] = opts.jitter
    ? jitterIndices(frames, opts.fps, opts.seed ?? 1).map((index) => ({ index, t: frames[index].t }))
    : thinSlots(frames, opts.fps, src)
  return picked.map(({ index, t }) => {
    const f = n > 1 ? blendAt(frames, index, n) : frames[index]
    return f.t === t ? f : { ...f, t }
  })
}

/** A name for a resampling, as used for the lowfps files: thin.15, blur.10, jitter.7.5, jitter-blur.10. */
export function resampleName(opts: Pick<ResampleOptions, 'fps' | 'blend' | 'jitter'>): string {
  const kind = opts.jitter ? (opts.blend ? 'jitter-blur' : 'jitter') : opts.blend ? 'blur' : 'thin'
  return `${kind}.${opts.fps}`
}
