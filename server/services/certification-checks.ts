/**
 * Pure checks of a certification session: picking the challenge, the plausibility of a submitted
 * observation summary (timestamps, lifetime, frame rate), its digest, and comparing the client's verdict
 * with the backend's replay. No I/O here; services/certification.ts applies them.
 */
import { createHash, randomInt } from 'node:crypto'
import type { ClientVerdict } from '../../src/core/contracts/certification'
import { LivenessInputError } from '../../src/core/liveness/errors'
import type { LivenessVerdict } from '../../src/core/liveness/session/machine'
import { summaryStride, validateSummary, type ObservationSummary } from '../../src/core/liveness/summary'
import type { ActionName } from '../../src/core/liveness/types'

/** Picks `count` different actions in random order (crypto randomness; `rand(max)` is in [0, max)). */
export function pickChallenge(actions: readonly ActionName[], count: number, rand: (max: number) => number = randomInt): ActionName[] {
  if (count < 1 || count > actions.length) throw new RangeError('challenge length out of range')
  const pool = actions.slice()
  for (let i = 0; i < count; i++) {
    const j = i + rand(pool.length - i)
    ;[pool[i], pool[j]] = [pool[j], pool[i]]
  }
  return pool.slice(0, count)
}

export const encodeChallenge = (challenge: readonly ActionName[]): string => challenge.join(',')
export const decodeChallenge = (text: string): ActionName[] => text.split(',') as ActionName[]

/** Allowed difference between the summary's own time span and the time the server saw pass. */
export const SPAN_TOLERANCE_MS = 2000
/** A summary needs at least this many frames to say anything. */
export const MIN_FRAMES = 10

export type TraceProblem = 'shape' | 'too_short' | 'not_monotonic' | 'longer_than_lifetime' | 'longer_than_elapsed' | 'frame_rate'

export interface TraceFacts {
  frames: number
  spanMs: number
  fps: number
}

export interface TraceLimits {
  /** The session's whole lifetime (expires_at − created_at). */
  lifetimeMs: number
  /** Time since the session started, as the server sees it now. */
  elapsedMs: number
  minFps: number
  maxFps: number
}

/**
 * Checks a summary's timing: shape (validateSummary), strictly increasing timestamps, time span within
 * the session's lifetime and within the time that actually passed since the session started, and a
 * plausible mean frame rate.
 */
export function checkTrace(summary: ObservationSummary, limits: TraceLimits): { ok: true; facts: TraceFacts } | { ok: false; problem: TraceProblem; facts?: TraceFacts } {
  let s: ObservationSummary
  try {
    s = validateSummary(summary)
  } catch (err) {
    if (err instanceof LivenessInputError) return { ok: false, problem: 'shape' }
    throw err
  }
  if (s.n < MIN_FRAMES) return { ok: false, problem: 'too_short' }
  const stride = summaryStride(s.v)
  let spanMs = 0
  for (let i = 1; i < s.n; i++) {
    const dt = s.data[i * stride] as number
    if (dt <= 0) return { ok: false, problem: 'not_monotonic' }
    spanMs += dt
  }
  const fps = ((s.n - 1) * 1000) / spanMs
  const facts: TraceFacts = { frames: s.n, spanMs, fps: Math.round(fps * 10) / 10 }
  if (spanMs > limits.lifetimeMs) return { ok: false, problem: 'longer_than_lifetime', facts }
  if (spanMs > limits.elapsedMs + SPAN_TOLERANCE_MS) return { ok: false, problem: 'longer_than_elapsed', facts }
  if (fps < limits.minFps || fps > limits.maxFps) return { ok: false, problem: 'frame_rate', facts }
  return { ok: true, facts }
}

/**
 * The summary's content as one JSON text, [v, layout, n, data], whatever the client's spelling was.
 * Its digest is taken over this text, and the worker thread gets this text rather than the object:
 * one string is copied across, where the object's ~8,000 values were cloned one by one.
 */
export const summaryContent = (s: ObservationSummary): string => JSON.stringify([s.v, s.layout, s.n, s.data])

/** The summary back from its content text (what the worker thread examines). */
export function summaryFromContent(content: string): ObservationSummary {
  const [v, layout, n, data] = JSON.parse(content) as [ObservationSummary['v'], string, number, ObservationSummary['data']]
  return { v, layout, n, data }
}

/** sha256 of a summary's content text (summaryContent): the same observations give the same digest. */
export const contentDigest = (content: string): string => createHash('sha256').update(content).digest('hex')

/** sha256 over the summary's content (not its JSON spelling), so the same observations give the same digest. */
export const summaryDigest = (s: ObservationSummary): string => contentDigest(summaryContent(s))

/** Whether the client's verdict agrees with the backend's replay (a stated failure reason must match too). */
export function verdictAgrees(client: ClientVerdict, replay: Pick<LivenessVerdict, 'passed' | 'reason'>): boolean {
  if (client.passed !== replay.passed) return false
  if (!replay.passed && client.reason != null && client.reason !== replay.reason) return false
  return true
}
