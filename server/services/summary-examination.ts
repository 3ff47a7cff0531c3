/**
 * The CPU-heavy part of checking a submitted observation summary, in one pure function so a worker
 * thread runs it (server/workers): its fingerprint, the closest earlier summary of the same person,
 * the replay through the engine with the session's challenge and timing, and the summary's own
 * observations at the moments the evidence frames claim to show.
 */
import { livenessEngineConfig, type LivenessTimingConfig } from '../../src/core/contracts/certification'
import { replaySummary } from '../../src/core/liveness/engine'
import { LivenessInputError } from '../../src/core/liveness/errors'
import { decodeFingerprint, encodeFingerprint, fingerprintSimilarity, fingerprintSummary } from '../../src/core/liveness/fingerprint'
import type { FailReason } from '../../src/core/liveness/session/texts'
import { decodeSummary, summaryStride, type ObservationSummary } from '../../src/core/liveness/summary'
import { summaryFromContent } from './certification-checks'
import type { ActionEvent, ActionName, Observation } from '../../src/core/liveness/types'

/** An evidence moment must fall this close to a frame of the summary (ms). */
export const MOMENT_FRAME_TOLERANCE_MS = 120

export interface SummaryExaminationInput {
  summary: ObservationSummary
  challenge: ActionName[]
  timing: LivenessTimingConfig
  /** Fingerprints of the person's earlier completed sessions. */
  earlier: { sessionId: string; fingerprint: string }[]
  /** Times on the summary's axis whose observation the evidence check needs. */
  at: number[]
}

/**
 * What crosses to the worker thread: the input with the summary as its content text
 * (summaryContent in certification-checks.ts, the text its digest was taken over), parsed there.
 */
export type SummaryExaminationTask = Omit<SummaryExaminationInput, 'summary'> & { summaryContent: string }

/** The features the evidence check compares (from the summary, or from a frame read by Human). */
export interface ObservedFace {
  t: number
  earLeft: number
  earRight: number
  mouth: number
  yaw: number
  pitch: number
}

export interface ClosestSummary {
  sessionId: string
  score: number
  scale: number
  offsetMs: number
  overlapMs: number
}

export type ReplayOutcome = { passed: boolean; reason: FailReason | null; actions: ActionEvent[] } | { inputError: string }

export interface SummaryExamination {
  fingerprint: string
  /** The most similar earlier summary (null when there is none to compare with). */
  closest: ClosestSummary | null
  replay: ReplayOutcome
  /** The summary's observation nearest to each time of `at` (null: no frame with a face that close). */
  observations: (ObservedFace | null)[]
  /** First and last frame time of the summary. */
  startMs: number
  endMs: number
}

export function observedFace(o: Observation): ObservedFace {
  return { t: o.t, earLeft: o.earLeft, earRight: o.earRight, mouth: o.mouth, yaw: o.yaw, pitch: o.pitch }
}

/** Nearest observation with a face within MOMENT_FRAME_TOLERANCE_MS of t (obs sorted by t). */
export function observationAt(obs: readonly Observation[], t: number): ObservedFace | null {
  let lo = 0
  let hi = obs.length - 1
  while (lo < hi) {
    const mid = (lo + hi) >> 1
    if (obs[mid].t < t) lo = mid + 1
    else hi = mid
  }
  let best: Observation | null = null
  for (let i = Math.max(0, lo - 3); i <= Math.min(obs.length - 1, lo + 3); i++) {
    const o = obs[i]
    if (o.faceCount < 1 || !Number.isFinite(o.earLeft) || !Number.isFinite(o.yaw)) continue
    if (Math.abs(o.t - t) > MOMENT_FRAME_TOLERANCE_MS) continue
    if (!best || Math.abs(o.t - t) < Math.abs(best.t - t)) best = o
  }
  return best ? observedFace(best) : null
}

/** Runs in a worker thread: examineSummary of the summary the content text holds. */
export function examineSummaryTask(task: SummaryExaminationTask): SummaryExamination {
  const { summaryContent, ...rest } = task
  return examineSummary({ ...rest, summary: summaryFromContent(summaryContent) })
}

/** Pure and deterministic. The summary must have passed checkTrace. */
export function examineSummary(input: SummaryExaminationInput): SummaryExamination {
  const fp = fingerprintSummary(input.summary)
  let closest: ClosestSummary | null = null
  for (const e of input.earlier) {
    const other = decodeFingerprint(e.fingerprint)
    if (!other) continue
    const m = fingerprintSimilarity(fp, other)
    if (!closest || m.score > closest.score) {
      closest = { sessionId: e.sessionId, score: Math.round(m.score * 1000) / 1000, scale: m.scale, offsetMs: m.offsetMs, overlapMs: m.overlapMs }
    }
  }
  let replay: ReplayOutcome
  try {
    const v = replaySummary(input.summary, input.challenge, livenessEngineConfig(input.timing))
    replay = { passed: v.passed, reason: v.reason, actions: v.actions.map((a) => ({ action: a.action, startMs: a.startMs, endMs: a.endMs, peakMs: a.peakMs })) }
  } catch (err) {
    if (!(err instanceof LivenessInputError)) throw err
    replay = { inputError: err.code }
  }
  // The replay decoded the frames already; they are decoded again only for evidence moments.
  const obs = input.at.length > 0 ? decodeSummary(input.summary) : []
  return {
    fingerprint: encodeFingerprint(fp),
    closest,
    replay,
    observations: input.at.map((t) => observationAt(obs, t)),
    ...frameSpan(input.summary),
  }
}

/** First and last frame time, added up from the frame intervals as decodeSummary does. */
function frameSpan(s: ObservationSummary): { startMs: number; endMs: number } {
  if (s.n === 0) return { startMs: 0, endMs: 0 }
  const stride = summaryStride(s.v)
  const startMs = s.data[0] as number
  let endMs = startMs
  for (let i = 1; i < s.n; i++) endMs += s.data[i * stride] as number
  return { startMs, endMs }
}
