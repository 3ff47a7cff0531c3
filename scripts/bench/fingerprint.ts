/**
 * npx tsx scripts/bench/fingerprint.ts — CPU cost of the backend's summary examination with 0, 1, 5
 * and 20 earlier fingerprints of the same person, with the previous fingerprint similarity (the
 * reference kept in __tests__/core/liveness/fingerprint-reference.ts) and the current one, in the same
 * run: ms of CPU (process.cpuUsage, min over 3 rounds) per examination — fingerprint, decode and compare
 * each earlier one, replay. The closest score is printed too: it must be the same in both columns.
 */
import { DEFAULT_LIVENESS_TIMING, livenessEngineConfig } from '../../src/core/contracts/certification'
import { replaySummary } from '../../src/core/liveness/engine'
import { decodeFingerprint, encodeFingerprint, fingerprintSimilarity, fingerprintSummary } from '../../src/core/liveness/fingerprint'
import { decodeSummary } from '../../src/core/liveness/summary'
import { referenceSimilarity } from '../../__tests__/core/liveness/fingerprint-reference'
import { windowSummary } from '../../__tests__/server/helpers/clip-summary'

const submitted = windowSummary('cap13_edit2', 0, 30_600)
const pool = [
  windowSummary('cap12_edit', 0, 30_000),
  windowSummary('cap12_edit', 20_000, 50_000),
  windowSummary('franck', 0, 30_000),
  windowSummary('franck', 10_000, 40_000),
  windowSummary('cap13_edit2', 0, 30_000, 999), // the same recording, re-timed: a reuse
]
const earlierAll = Array.from({ length: 20 }, (_, i) => encodeFingerprint(fingerprintSummary(pool[i % pool.length])))
const cpuMs = (): number => {
  const u = process.cpuUsage()
  return (u.user + u.system) / 1000
}

function examine(earlier: string[], similarity: typeof fingerprintSimilarity): number {
  const fp = fingerprintSummary(submitted)
  let closest = Number.NaN
  for (const text of earlier) {
    const other = decodeFingerprint(text)
    if (other) closest = Math.max(Number.isNaN(closest) ? -1 : closest, similarity(fp, other).score)
  }
  replaySummary(submitted, ['blink', 'turn_left'], livenessEngineConfig(DEFAULT_LIVENESS_TIMING))
  decodeSummary(submitted)
  return closest
}

for (let i = 0; i < 5; i++) for (const similarity of [referenceSimilarity, fingerprintSimilarity]) examine(earlierAll.slice(0, 1), similarity) // warm-up
console.log('earlier  previous similarity        current similarity')
for (const k of [0, 1, 5, 20]) {
  const cells: string[] = []
  for (const similarity of [referenceSimilarity, fingerprintSimilarity]) {
    let ms = Number.POSITIVE_INFINITY
    let closest = Number.NaN
    for (let round = 0; round < 3; round++) {
      const reps = k >= 20 ? 1 : k >= 5 ? 2 : 5
      const t0 = cpuMs()
      for (let r = 0; r < reps; r++) closest = examine(earlierAll.slice(0, k), similarity)
      ms = Math.min(ms, (cpuMs() - t0) / reps)
    }
    cells.push(`${ms.toFixed(1).padStart(7)} ms (closest ${Number.isNaN(closest) ? ' none' : closest.toFixed(3)})`)
  }
  console.log(String(k).padStart(7), cells.join('   '))
}
