/**
 * The fast alignment search in fingerprintSimilarity (one scratch scorer per pair, index map shared
 * by the channels, top-4 kept instead of sorting every candidate, alignments pruned once their median
 * cannot beat the best) must give exactly what the full search gave: same score to the bit, same
 * scale, offset, overlap and channel count. The reference is the previous implementation, kept
 * verbatim in fingerprint-reference.ts.
 */
import fc from 'fast-check'
import { FINGERPRINT_CHANNELS, FINGERPRINT_MISSING, fingerprintSimilarity, fingerprintSummary, type SummaryFingerprint } from '../../../src/core/liveness/fingerprint'
import { SUMMARY_FIELDS, type ObservationSummary } from '../../../src/core/liveness/summary'
import { windowSummary } from '../../server/helpers/clip-summary'
import { referenceSimilarity } from './fingerprint-reference'
import { rng, type Clip } from './helpers'

jest.setTimeout(120_000)

const C = FINGERPRINT_CHANNELS.length
const N = SUMMARY_FIELDS.length

/** A copy replayed at another speed with jittered frame times and the first seconds cut (what an attacker submits). */
function retimed(s: ObservationSummary, seed: number): ObservationSummary {
  const r = rng(seed)
  const k = 0.92 + r() * 0.16
  const skip = 20 + Math.floor(r() * 60)
  const data: (number | null)[] = []
  for (let i = skip; i < s.n; i++) {
    const f = s.data.slice(i * N, i * N + N)
    f[0] = i === skip ? 1000 : Math.max(1, Math.round((f[0] as number) * k + (r() - 0.5) * 20))
    data.push(...f)
  }
  return { ...s, n: s.n - skip, data }
}

describe('fingerprintSimilarity agrees with the full search it replaced', () => {
  it('on every pair of 10 s windows of the real clips (same person and not)', () => {
    const fps: SummaryFingerprint[] = []
    for (const [clip, len] of [['cap12_edit', 53_000], ['cap13_edit2', 30_000], ['franck', 40_000]] as [Clip, number][]) {
      for (let a = 0; a + 10_000 <= len; a += 5_000) fps.push(fingerprintSummary(windowSummary(clip, a, a + 10_000, 1000 + a)))
    }
    let pairs = 0
    for (let i = 0; i < fps.length; i++) {
      for (let j = 0; j < fps.length; j++) {
        if (i === j) continue
        expect(fingerprintSimilarity(fps[i], fps[j])).toEqual(referenceSimilarity(fps[i], fps[j]))
        pairs++
      }
    }
    expect(pairs).toBe(fps.length * (fps.length - 1))
  })

  it('on re-timed copies of 20–30 s sessions (scores above the reuse threshold) and on other sessions of the same person', () => {
    const sessions = [windowSummary('cap13_edit2', 0, 30_000), windowSummary('cap12_edit', 20_000, 40_000, 77), windowSummary('franck', 10_000, 30_000, 5)]
    const other = fingerprintSummary(windowSummary('cap12_edit', 0, 30_000))
    const scores: number[] = []
    sessions.forEach((s, k) => {
      const original = fingerprintSummary(s)
      for (const seed of [1, 2]) {
        const copy = fingerprintSummary(retimed(s, 100 * k + seed))
        const fast = fingerprintSimilarity(copy, original)
        expect(fast).toEqual(referenceSimilarity(copy, original))
        scores.push(fast.score)
      }
      expect(fingerprintSimilarity(original, other)).toEqual(referenceSimilarity(original, other))
    })
    // the pairs above include real matches, so the pruned path met a high best score
    expect(Math.max(...scores)).toBeGreaterThan(0.6)
  })

  it('on arbitrary curves with gaps, flat channels and short lengths (property)', () => {
    const curve = fc.record({
      n: fc.integer({ min: 0, max: 120 }),
      seed: fc.integer({ min: 1, max: 2 ** 31 - 1 }),
      missing: fc.double({ min: 0, max: 0.4, noNaN: true }),
      flat: fc.array(fc.boolean(), { minLength: C, maxLength: C }),
    })
    const make = (c: { n: number; seed: number; missing: number; flat: boolean[] }, from?: SummaryFingerprint): SummaryFingerprint => {
      const r = rng(c.seed)
      const values = new Int16Array(C * c.n)
      for (let ch = 0; ch < C; ch++) {
        let v = 0
        for (let i = 0; i < c.n; i++) {
          v += Math.round((r() - 0.5) * 6)
          // half the time b follows a (shifted by a few points) so high scores and pruning against them occur
          const base = from && from.n > 0 ? from.values[ch * from.n + ((i + 3) % from.n)] : FINGERPRINT_MISSING
          const x = base !== FINGERPRINT_MISSING && r() < 0.9 ? base + Math.round((r() - 0.5) * 2) : c.flat[ch] ? 10 : v
          values[ch * c.n + i] = r() < c.missing ? FINGERPRINT_MISSING : x
        }
      }
      return { v: 1, stepMs: 100, n: c.n, values }
    }
    fc.assert(
      fc.property(curve, curve, fc.boolean(), (ca, cb, follow) => {
        const a = make(ca)
        const b = make(cb, follow ? a : undefined)
        expect(fingerprintSimilarity(a, b)).toEqual(referenceSimilarity(a, b))
      }),
      { numRuns: 150 },
    )
  })
})
