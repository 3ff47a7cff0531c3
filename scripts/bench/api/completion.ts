/**
 * Certification completion for npm run bench:api: a real recorded clip (cap13_edit2: blink, then
 * turn_left) run through the liveness engine once, as the camera page would, gives the verdict and the
 * observation summary every completion sends; the backend replays it (in its worker) and, with face
 * matching off, records the outcome. One completion per person: a second summary of the same person
 * would be refused as a reused one (its fingerprint is compared with the person's earlier ones).
 */
import type { ClientVerdict } from '../../../src/core/contracts/certification'
import { DEFAULT_LIVENESS_TIMING, livenessEngineConfig } from '../../../src/core/contracts/certification'
import { runSession, sourceFromHeader, SUMMARY_FIELDS, type ObservationSummary } from '../../../src/core/liveness'
import { loadTrace } from '../../../__tests__/core/liveness/helpers'

export const BENCH_CHALLENGE = 'blink,turn_left'

export interface ClientRun {
  verdict: ClientVerdict
  summary: ObservationSummary
  /** The camera time the summary covers: a session must be at least this old before it completes. */
  spanMs: number
}

/**
 * The same observation with its stream start moved by `variant` × 7 ms: the backend refuses a summary
 * byte-identical to one it has seen, and the engine's verdict on the moved stream is the same (only
 * the first value, the start time, changes).
 */
export function movedSummary(run: ClientRun, variant: number): ObservationSummary {
  const data = run.summary.data.slice()
  data[0] = (data[0] ?? 0) + variant * 7
  return { ...run.summary, data }
}

export function clientRun(): ClientRun {
  const trace = loadTrace('cap13_edit2')
  const { verdict } = runSession(sourceFromHeader(trace.header), trace.frames.slice(), ['blink', 'turn_left'], livenessEngineConfig(DEFAULT_LIVENESS_TIMING))
  if (!verdict.passed) throw new Error(`the bench clip did not pass the engine: ${verdict.reason}`)
  const summary = JSON.parse(JSON.stringify(verdict.summary)) as ObservationSummary
  const spanMs = summary.data.filter((_, i) => i % SUMMARY_FIELDS.length === 0).slice(1).reduce<number>((a, b) => a + (b ?? 0), 0)
  return { verdict: { passed: verdict.passed, reason: verdict.reason } as ClientVerdict, summary, spanMs }
}
