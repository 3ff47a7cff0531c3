/**
 * A fingerprint of an observation summary that survives re-timing and small edits, and a similarity
 * between two of them. The backend compares each new summary with every earlier summary of the same
 * person: a recorded session whose timestamps were shifted, stretched or jittered, whose first
 * absolute time was changed, with a few values edited or frames dropped / duplicated, is still the
 * same recording.
 *
 * Fingerprint: the observation curves (EAR left/right, mouth, yaw, pitch, roll, eye span) resampled
 * by linear interpolation on a grid of STEP_MS rebased to the summary's own first frame (so absolute
 * times do not matter), each quantised to a coarse integer step. Gaps (no face, or frames further
 * apart than MAX_GAP_MS) are MISSING.
 *
 * Similarity: what identifies a recording is not its levels (a person's EAR at rest is the same every
 * year) but its small movements and tracker noise, which never repeat. Both fingerprints are
 * high-passed (each value minus the mean of its neighbourhood), then aligned: a coarse search over time
 * scale (SCALE_MIN..SCALE_MAX) and every offset with enough overlap on 500 ms means, then a fine search
 * around the best coarse candidates on the 100 ms grid. The score at an alignment is the median over
 * channels of the Pearson correlation of the high-passed curves. Measured on the real clips: copies
 * (dt scaled by 3–8 %, jittered ±10 ms, shifted, cropped, 20 % of frames dropped or duplicated, values
 * edited) score 0.84–1.0 per edit and ≥ 0.74 with all edits at once; different windows of the same
 * person score 0.23 (median) to 0.50 (worst of 66 pairs). FINGERPRINT_REUSE_THRESHOLD = 0.6.
 *
 * Pure code: no platform imports (runs in the backend's worker threads, and could run anywhere).
 */
import { Q_ANGLE, Q_BOX, Q_RATIO } from './quantise'
import { summaryStride, type ObservationSummary } from './summary'

// Math and Number looked up once: hot loops below must not reach through the global object (slow
// in sandboxed contexts such as jest's vm).
const { floor: mFloor, sqrt: mSqrt, max: mMax, min: mMin, abs: mAbs, round: mRound, ceil: mCeil } = Math
const isFiniteNumber = Number.isFinite
const NOT_A_NUMBER = Number.NaN

export const FINGERPRINT_VERSION = 1
/** Grid step of the resampled curves. */
export const FINGERPRINT_STEP_MS = 100
/** Frames further apart than this are not interpolated across (a gap). */
export const FINGERPRINT_MAX_GAP_MS = 600
/** Longest stretch fingerprinted (the rest of a longer summary is ignored). */
export const FINGERPRINT_MAX_MS = 240_000
/** Samples averaged per grid cell. */
const SUB = 5

/** The channels, their summary field and their quantisation step in summary units. */
const CHANNELS = [
  { name: 'earL', field: 2, step: 2 }, // 0.002
  { name: 'earR', field: 3, step: 2 },
  { name: 'mouth', field: 4, step: 2 },
  { name: 'yaw', field: 5, step: 2 }, // 0.2°
  { name: 'pitch', field: 6, step: 2 },
  { name: 'roll', field: 7, step: 2 },
  { name: 'eyeSpan', field: 12, step: 1 }, // 0.001 of the frame width
] as const
export const FINGERPRINT_CHANNELS: readonly string[] = CHANNELS.map((c) => c.name)
const C = CHANNELS.length
export const FINGERPRINT_MISSING = -32768

// Unit checks at compile time: the steps above assume these summary scales.
const _scales: [1000, 10, 1000] = [Q_RATIO, Q_ANGLE, Q_BOX]
void _scales

export interface SummaryFingerprint {
  v: typeof FINGERPRINT_VERSION
  stepMs: number
  /** Grid points per channel. */
  n: number
  /** Channel-major: values[c * n + i]; FINGERPRINT_MISSING where there is no observation. */
  values: Int16Array
}

/** Fingerprint of a (validated) summary. */
export function fingerprintSummary(s: ObservationSummary): SummaryFingerprint {
  const d = s.data
  // (channels are the fields every summary version has, at the same places)
  const STRIDE = summaryStride(s.v)
  // Rebased time of each frame.
  const times = new Float64Array(s.n)
  let t = 0
  for (let i = 0; i < s.n; i++) {
    const dt = d[i * STRIDE] as number
    t = i === 0 ? 0 : t + dt
    times[i] = t
  }
  const span = s.n > 0 ? mMin(times[s.n - 1], FINGERPRINT_MAX_MS) : 0
  const n = s.n > 0 ? mFloor(span / FINGERPRINT_STEP_MS) + 1 : 0
  const values = new Int16Array(C * n).fill(FINGERPRINT_MISSING)
  for (let c = 0; c < C; c++) {
    const { field, step } = CHANNELS[c]
    let k = 0 // frame index: times[k] <= g < times[k+1]
    for (let i = 0; i < n; i++) {
      // The mean of SUB samples across the cell (not one point sample): the value then hardly depends on
      // where the frames fall relative to the grid, so re-timed copies resample alike.
      let sum = 0
      let m = 0
      for (let u = 0; u < SUB; u++) {
        const g = (i + (u + 0.5) / SUB - 0.5) * FINGERPRINT_STEP_MS
        if (g < 0 || g > span) continue
        while (k + 1 < s.n && times[k + 1] <= g) k++
        while (k > 0 && times[k] > g) k--
        const a = d[k * STRIDE + field]
        let v: number | null = null
        if (times[k] === g || k + 1 >= s.n) {
          v = a
        } else {
          const b = d[(k + 1) * STRIDE + field]
          const gap = times[k + 1] - times[k]
          if (a !== null && b !== null && gap <= FINGERPRINT_MAX_GAP_MS) v = a + ((b - a) * (g - times[k])) / gap
        }
        if (v !== null && isFiniteNumber(v)) {
          sum += v
          m++
        }
      }
      if (m * 2 >= SUB) values[c * n + i] = clampInt16(mRound(sum / m / step))
    }
  }
  return { v: FINGERPRINT_VERSION, stepMs: FINGERPRINT_STEP_MS, n, values }
}

function clampInt16(v: number): number {
  return v < -32767 ? -32767 : v > 32767 ? 32767 : v
}

// ───────────────────────────── storage encoding ─────────────────────────────

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'

/** Text form for storage: "fp1:<stepMs>:<n>:<base64 of little-endian int16>". */
export function encodeFingerprint(fp: SummaryFingerprint): string {
  const bytes = new Uint8Array(fp.values.length * 2)
  for (let i = 0; i < fp.values.length; i++) {
    const v = fp.values[i] & 0xffff
    bytes[2 * i] = v & 0xff
    bytes[2 * i + 1] = v >> 8
  }
  let out = ''
  for (let i = 0; i < bytes.length; i += 3) {
    const b0 = bytes[i]
    const b1 = i + 1 < bytes.length ? bytes[i + 1] : 0
    const b2 = i + 2 < bytes.length ? bytes[i + 2] : 0
    out += B64[b0 >> 2] + B64[((b0 & 3) << 4) | (b1 >> 4)]
    out += i + 1 < bytes.length ? B64[((b1 & 15) << 2) | (b2 >> 6)] : '='
    out += i + 2 < bytes.length ? B64[b2 & 63] : '='
  }
  return `fp${fp.v}:${fp.stepMs}:${fp.n}:${out}`
}

/** Inverse of encodeFingerprint; undefined for text it did not write (another version, damage). */
export function decodeFingerprint(text: string): SummaryFingerprint | undefined {
  const m = /^fp(\d+):(\d+):(\d+):([A-Za-z0-9+/]*={0,2})$/.exec(text)
  if (!m || Number(m[1]) !== FINGERPRINT_VERSION || Number(m[2]) !== FINGERPRINT_STEP_MS) return undefined
  const n = Number(m[3])
  const b64 = m[4]
  const bytes = new Uint8Array((b64.length / 4) * 3)
  let len = 0
  for (let i = 0; i + 3 < b64.length; i += 4) {
    const q = [0, 1, 2, 3].map((k) => (b64[i + k] === '=' ? -1 : B64.indexOf(b64[i + k])))
    bytes[len++] = (q[0] << 2) | (q[1] >> 4)
    if (q[2] >= 0) bytes[len++] = ((q[1] & 15) << 4) | (q[2] >> 2)
    if (q[3] >= 0) bytes[len++] = ((q[2] & 3) << 6) | q[3]
  }
  if (len !== C * n * 2) return undefined
  const values = new Int16Array(C * n)
  for (let i = 0; i < values.length; i++) values[i] = ((bytes[2 * i] | (bytes[2 * i + 1] << 8)) << 16) >> 16
  return { v: FINGERPRINT_VERSION, stepMs: FINGERPRINT_STEP_MS, n, values }
}

// ───────────────────────────── similarity ─────────────────────────────

/** Time scales tried (a recording replayed faster or slower by up to ±12 %). */
export const SCALE_MIN = 0.88
export const SCALE_MAX = 1.12
/** Least overlap of two fingerprints for a score (ms, and as a share of the shorter one). */
export const MIN_OVERLAP_MS = 6000
export const MIN_OVERLAP_SHARE = 0.5
/** Half-width of the high-pass neighbourhood, in grid points (±600 ms). */
const HP_HALF = 6
/** Coarse search: grid points per coarse point (500 ms), scale step, candidates kept. */
const COARSE = 5
const COARSE_SCALE_STEP = 0.01
const COARSE_KEEP = 4
/** Fine search around each candidate: scale ±2 coarse steps, offset ±COARSE grid points. */
const FINE_SCALE_STEP = 0.002
/** A channel takes part only where it moves: RMS of its high-passed curve at least this (int units). */
const MIN_CHANNEL_RMS = 0.6
/** At least this many channels must take part for a score. */
const MIN_CHANNELS = 3

export interface FingerprintMatch {
  /** Median over channels of the high-passed curves' correlation at the best alignment (−1..1); 0 without overlap. */
  score: number
  /** b's time ≈ a's time × scale + offsetMs. */
  scale: number
  offsetMs: number
  overlapMs: number
  /** Channels that took part. */
  channels: number
}

interface Prepared {
  n: number
  /** High-passed values, NaN where missing; channel-major. */
  hp: Float64Array
  /** Channels with enough movement. */
  moving: boolean[]
}

/** Each value minus the mean of the valid values within ±half points; NaN where missing. */
function highPass(values: ArrayLike<number>, n: number, missing: (v: number) => boolean, half: number): { hp: Float64Array; moving: boolean[] } {
  const hp = new Float64Array(C * n).fill(NOT_A_NUMBER)
  const moving: boolean[] = []
  const sum = new Float64Array(n + 1)
  const cnt = new Int32Array(n + 1)
  for (let c = 0; c < C; c++) {
    const base = c * n
    // prefix sums of valid values
    for (let i = 0; i < n; i++) {
      const v = values[base + i]
      const ok = !missing(v)
      sum[i + 1] = sum[i] + (ok ? v : 0)
      cnt[i + 1] = cnt[i] + (ok ? 1 : 0)
    }
    let ss = 0
    let m = 0
    for (let i = 0; i < n; i++) {
      const v = values[base + i]
      if (missing(v)) continue
      const lo = mMax(0, i - half)
      const hi = mMin(n, i + half + 1)
      const k = cnt[hi] - cnt[lo]
      if (k < half) continue // too little context
      const x = v - (sum[hi] - sum[lo]) / k
      hp[base + i] = x
      ss += x * x
      m++
    }
    moving.push(m > 0 && mSqrt(ss / m) >= MIN_CHANNEL_RMS)
  }
  return { hp, moving }
}

function prepare(fp: SummaryFingerprint): Prepared {
  const { hp, moving } = highPass(fp.values, fp.n, (v) => v === FINGERPRINT_MISSING, HP_HALF)
  return { n: fp.n, hp, moving }
}

/** Means of `k` consecutive grid points (NaN when fewer than half are valid), channel-major. */
function coarse(raw: SummaryFingerprint, k: number): Prepared {
  const n = mFloor(raw.n / k)
  const vals = new Float64Array(C * n).fill(NOT_A_NUMBER)
  for (let c = 0; c < C; c++) {
    for (let i = 0; i < n; i++) {
      let s = 0
      let m = 0
      for (let j = 0; j < k; j++) {
        const v = raw.values[c * raw.n + i * k + j]
        if (v !== FINGERPRINT_MISSING) {
          s += v
          m++
        }
      }
      if (m * 2 >= k) vals[c * n + i] = s / m
    }
  }
  const { hp, moving } = highPass(vals, n, (v) => v !== v, 2)
  return { n, hp, moving }
}

/**
 * The alignment loop's working memory, allocated once per pair: scoreAt runs a few thousand times
 * per pair and must not allocate.
 */
class Scorer {
  /** b's interpolation point for each of a's indices at the current alignment. */
  private readonly j0: Int32Array
  private readonly w: Float64Array
  private readonly rs = new Float64Array(C)
  /**
   * Channels moving in both fingerprints, lowest correlation at the last alignment first: neighbouring
   * alignments correlate alike, so a poor alignment meets its poor channels early and is pruned sooner.
   * The order changes which channels are computed, never a computed value (the median sorts them).
   */
  private readonly both: Int32Array
  private readonly lastRho = new Float64Array(C)
  score = 0
  overlap = 0
  channels = 0

  constructor(
    private readonly a: Prepared,
    private readonly b: Prepared,
  ) {
    this.j0 = new Int32Array(mMax(1, a.n))
    this.w = new Float64Array(mMax(1, a.n))
    const both: number[] = []
    for (let c = 0; c < C; c++) if (a.moving[c] && b.moving[c]) both.push(c)
    this.both = Int32Array.from(both)
  }

  /**
   * Median channel correlation of a and b at "b index = a index × scale + offset" (linear
   * interpolation in b), over a's points that land inside b; overlap in a's points. Results in
   * this.score / overlap / channels.
   *
   * `bound`: the caller only wants an alignment whose score exceeds it. A median over channels can
   * exceed it only if at least as many channels correlate above it as at or below it, so once the
   * channels left cannot restore that balance the rest are skipped and channels is set to 0 (the
   * alignment is of no use). Every score that is computed is computed exactly as without the bound.
   */
  scoreAt(scale: number, offset: number, minOverlap: number, bound: number): void {
    const a = this.a
    const b = this.b
    const j0s = this.j0
    const ws = this.w
    // a's index range that maps inside b: 0 <= i*scale + offset <= b.n - 1
    const lo = mMax(0, mCeil(-offset / scale))
    const hi = mMin(a.n - 1, mFloor((b.n - 1 - offset) / scale))
    const overlap = hi - lo + 1
    this.score = 0
    if (overlap < minOverlap) {
      this.overlap = mMax(0, overlap)
      this.channels = 0
      return
    }
    this.overlap = overlap
    // The interpolation point depends on the alignment only: computed once for all channels.
    const bn = b.n
    for (let i = lo; i <= hi; i++) {
      const j = i * scale + offset
      const j0 = mFloor(j)
      j0s[i] = j0
      ws[i] = j - j0
    }
    const ahp = a.hp
    const bhp = b.hp
    const rs = this.rs
    const both = this.both
    const lastRho = this.lastRho
    let r = 0
    let above = 0
    for (let k = 0; k < both.length; k++) {
      // Prune: even if every channel left took part above the bound, the median could not exceed it.
      if (above + (both.length - k) < r - above) {
        this.channels = 0
        this.reorder()
        return
      }
      const c = both[k]
      const ab = c * a.n
      const bb = c * bn
      let sx = 0
      let sy = 0
      let sxx = 0
      let syy = 0
      let sxy = 0
      let m = 0
      for (let i = lo; i <= hi; i++) {
        const x = ahp[ab + i]
        if (x !== x) continue
        const j0 = j0s[i]
        const w = ws[i]
        const y0 = bhp[bb + j0]
        const y = w === 0 || j0 + 1 >= bn ? y0 : y0 + (bhp[bb + j0 + 1] - y0) * w
        if (y !== y) continue
        sx += x
        sy += y
        sxx += x * x
        syy += y * y
        sxy += x * y
        m++
      }
      lastRho[c] = Number.POSITIVE_INFINITY // no part in the score: last in line
      if (m < minOverlap * 0.5) continue
      const vx = sxx - (sx * sx) / m
      const vy = syy - (sy * sy) / m
      if (vx <= 0 || vy <= 0) continue
      const rho = (sxy - (sx * sy) / m) / mSqrt(vx * vy)
      lastRho[c] = rho
      rs[r++] = rho
      if (rho > bound) above++
    }
    this.channels = r
    this.reorder()
    if (r < MIN_CHANNELS) return
    // r ≤ 7: insertion sort of the first r values.
    for (let i = 1; i < r; i++) {
      const v = rs[i]
      let j = i - 1
      while (j >= 0 && rs[j] > v) {
        rs[j + 1] = rs[j]
        j--
      }
      rs[j + 1] = v
    }
    const mid = r >> 1
    this.score = r % 2 ? rs[mid] : (rs[mid - 1] + rs[mid]) / 2
  }

  private reorder(): void {
    const both = this.both
    const lastRho = this.lastRho
    for (let i = 1; i < both.length; i++) {
      const c = both[i]
      let j = i - 1
      while (j >= 0 && lastRho[both[j]] > lastRho[c]) {
        both[j + 1] = both[j]
        j--
      }
      both[j + 1] = c
    }
  }
}

function minOverlapPoints(na: number, nb: number, stepMs: number): number {
  const shorter = mMin(na, nb)
  return mMax(mCeil(MIN_OVERLAP_MS / stepMs), mCeil(shorter * MIN_OVERLAP_SHARE))
}

interface Candidate {
  score: number
  scale: number
  offset: number
}

/**
 * How alike two fingerprints are, at their best alignment (see the file comment). Symmetric up to the
 * search grid. Cost: a few million multiply-adds for two 30 s summaries, fewer where alignments are
 * pruned (Scorer.scoreAt); the result is the same as scoring every alignment.
 */
export function fingerprintSimilarity(a: SummaryFingerprint, b: SummaryFingerprint): FingerprintMatch {
  const none: FingerprintMatch = { score: 0, scale: 1, offsetMs: 0, overlapMs: 0, channels: 0 }
  if (a.stepMs !== b.stepMs || a.n < 2 || b.n < 2) return none
  // Coarse: 500 ms means, every scale step and every offset with enough overlap. Only the COARSE_KEEP
  // best are kept, in the order a stable sort by descending score would give (earlier wins a tie), so
  // an alignment needs a score above the kept last one to enter once COARSE_KEEP are kept.
  const ca = coarse(a, COARSE)
  const cb = coarse(b, COARSE)
  const coarseMin = minOverlapPoints(ca.n, cb.n, a.stepMs * COARSE)
  const kept: Candidate[] = []
  if (ca.n >= 2 && cb.n >= 2) {
    const sc = new Scorer(ca, cb)
    for (let s = SCALE_MIN; s <= SCALE_MAX + 1e-9; s += COARSE_SCALE_STEP) {
      for (let o = -mCeil(ca.n * s); o <= cb.n; o++) {
        const bound = kept.length < COARSE_KEEP ? Number.NEGATIVE_INFINITY : kept[COARSE_KEEP - 1].score
        sc.scoreAt(s, o, coarseMin, bound)
        if (sc.channels < MIN_CHANNELS) continue
        const score = sc.score
        if (kept.length === COARSE_KEEP && !(score > bound)) continue
        let at = kept.length
        while (at > 0 && kept[at - 1].score < score) at--
        kept.splice(at, 0, { score, scale: s, offset: o })
        if (kept.length > COARSE_KEEP) kept.pop()
      }
    }
  }
  // Fine: 100 ms grid around the best coarse alignments.
  const fine = new Scorer(prepare(a), prepare(b))
  const fineMin = minOverlapPoints(a.n, b.n, a.stepMs)
  let best = none
  // Neighbouring candidates' windows share alignments (the very same scale and offset): a repeat
  // scores what it scored before, which never beats the best, so it is not scored again.
  const seen = new Set<string>()
  for (const cand of kept) {
    const centre = cand.offset * COARSE
    for (let s = cand.scale - 2 * COARSE_SCALE_STEP; s <= cand.scale + 2 * COARSE_SCALE_STEP + 1e-9; s += FINE_SCALE_STEP) {
      for (let o = centre - COARSE; o <= centre + COARSE; o++) {
        const key = `${s}:${o}`
        if (seen.has(key)) continue
        seen.add(key)
        fine.scoreAt(s, o, fineMin, best.score)
        if (fine.channels >= MIN_CHANNELS && fine.score > best.score) {
          best = { score: fine.score, scale: mRound(s * 1000) / 1000, offsetMs: o * a.stepMs, overlapMs: fine.overlap * a.stepMs, channels: fine.channels }
        }
      }
    }
  }
  return best
}

/** A new summary whose best score against an earlier one reaches this is the same recording. */
export const FINGERPRINT_REUSE_THRESHOLD = 0.6
