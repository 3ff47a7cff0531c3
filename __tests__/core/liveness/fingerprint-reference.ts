/**
 * The fingerprint similarity as it was before the alignment search was made cheaper (commit 0966355,
 * src/core/liveness/fingerprint.ts): every alignment scored, a fresh result per alignment, the whole
 * candidate list sorted. Kept verbatim as the reference the fast one must agree with to the bit
 * (fingerprint-equivalence.test.ts). Do not optimise this file.
 */
import { FINGERPRINT_CHANNELS, FINGERPRINT_MISSING, type FingerprintMatch, type SummaryFingerprint } from '../../../src/core/liveness/fingerprint'

const { floor: mFloor, sqrt: mSqrt, max: mMax, min: mMin, round: mRound, ceil: mCeil } = Math
const NOT_A_NUMBER = Number.NaN
const C = FINGERPRINT_CHANNELS.length

/** Time scales tried (a recording replayed faster or slower by up to ±12 %). */
const SCALE_MIN = 0.88
const SCALE_MAX = 1.12
/** Least overlap of two fingerprints for a score (ms, and as a share of the shorter one). */
const MIN_OVERLAP_MS = 6000
const MIN_OVERLAP_SHARE = 0.5
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
  for (let c = 0; c < C; c++) {
    const base = c * n
    // prefix sums of valid values
    const sum = new Float64Array(n + 1)
    const cnt = new Int32Array(n + 1)
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
 * Median channel correlation of a and b at "b index = a index × scale + offset" (linear
 * interpolation in b), over a's points that land inside b; overlap in a's points.
 */
function scoreAt(a: Prepared, b: Prepared, scale: number, offset: number, minOverlap: number): { score: number; overlap: number; channels: number } {
  // a's index range that maps inside b: 0 <= i*scale + offset <= b.n - 1
  const lo = mMax(0, mCeil(-offset / scale))
  const hi = mMin(a.n - 1, mFloor((b.n - 1 - offset) / scale))
  const overlap = hi - lo + 1
  if (overlap < minOverlap) return { score: 0, overlap: mMax(0, overlap), channels: 0 }
  const rs: number[] = []
  for (let c = 0; c < C; c++) {
    if (!a.moving[c] || !b.moving[c]) continue
    const ab = c * a.n
    const bb = c * b.n
    let sx = 0
    let sy = 0
    let sxx = 0
    let syy = 0
    let sxy = 0
    let m = 0
    for (let i = lo; i <= hi; i++) {
      const x = a.hp[ab + i]
      if (x !== x) continue
      const j = i * scale + offset
      const j0 = mFloor(j)
      const w = j - j0
      const y0 = b.hp[bb + j0]
      const y = w === 0 || j0 + 1 >= b.n ? y0 : y0 + (b.hp[bb + j0 + 1] - y0) * w
      if (y !== y) continue
      sx += x
      sy += y
      sxx += x * x
      syy += y * y
      sxy += x * y
      m++
    }
    if (m < minOverlap * 0.5) continue
    const vx = sxx - (sx * sx) / m
    const vy = syy - (sy * sy) / m
    if (vx <= 0 || vy <= 0) continue
    rs.push((sxy - (sx * sy) / m) / mSqrt(vx * vy))
  }
  if (rs.length < MIN_CHANNELS) return { score: 0, overlap, channels: rs.length }
  rs.sort((p, q) => p - q)
  const mid = rs.length >> 1
  const score = rs.length % 2 ? rs[mid] : (rs[mid - 1] + rs[mid]) / 2
  return { score, overlap, channels: rs.length }
}

function minOverlapPoints(na: number, nb: number, stepMs: number): number {
  const shorter = mMin(na, nb)
  return mMax(mCeil(MIN_OVERLAP_MS / stepMs), mCeil(shorter * MIN_OVERLAP_SHARE))
}

/**
 * How alike two fingerprints are, at their best alignment (see the file comment). Symmetric up to the
 * search grid. Cost: a few million multiply-adds for two 30 s summaries.
 */
export function referenceSimilarity(a: SummaryFingerprint, b: SummaryFingerprint): FingerprintMatch {
  const none: FingerprintMatch = { score: 0, scale: 1, offsetMs: 0, overlapMs: 0, channels: 0 }
  if (a.stepMs !== b.stepMs || a.n < 2 || b.n < 2) return none
  // Coarse: 500 ms means, every scale step and every offset with enough overlap.
  const ca = coarse(a, COARSE)
  const cb = coarse(b, COARSE)
  const coarseMin = minOverlapPoints(ca.n, cb.n, a.stepMs * COARSE)
  const candidates: { score: number; scale: number; offset: number }[] = []
  if (ca.n >= 2 && cb.n >= 2) {
    for (let s = SCALE_MIN; s <= SCALE_MAX + 1e-9; s += COARSE_SCALE_STEP) {
      for (let o = -mCeil(ca.n * s); o <= cb.n; o++) {
        const r = scoreAt(ca, cb, s, o, coarseMin)
        if (r.channels < MIN_CHANNELS) continue
        candidates.push({ score: r.score, scale: s, offset: o })
      }
    }
  }
  candidates.sort((p, q) => q.score - p.score)
  // Fine: 100 ms grid around the best coarse alignments.
  const pa = prepare(a)
  const pb = prepare(b)
  const fineMin = minOverlapPoints(a.n, b.n, a.stepMs)
  let best = none
  for (const cand of candidates.slice(0, COARSE_KEEP)) {
    const centre = cand.offset * COARSE
    for (let s = cand.scale - 2 * COARSE_SCALE_STEP; s <= cand.scale + 2 * COARSE_SCALE_STEP + 1e-9; s += FINE_SCALE_STEP) {
      for (let o = centre - COARSE; o <= centre + COARSE; o++) {
        const r = scoreAt(pa, pb, s, o, fineMin)
        if (r.channels >= MIN_CHANNELS && r.score > best.score) {
          best = { score: r.score, scale: mRound(s * 1000) / 1000, offsetMs: o * a.stepMs, overlapMs: r.overlap * a.stepMs, channels: r.channels }
        }
      }
    }
  }
  return best
}
