/**
 * Compact observation summary carried by a verdict: the quantised per-frame features as integers, so
 * the backend can replay them through the same engine (replaySummary in engine.ts) and reach the same
 * verdict. Per frame, FIELDS in order; `null` = not available (no face, or the tracker gave no value).
 */
import { LivenessInputError } from './errors'
import { Q_ANGLE, Q_BOX, Q_RATIO } from './quantise'
import type { Observation } from './types'
import { emptyObservation } from './types'

export const SUMMARY_VERSION = 3
export const SUMMARY_FIELDS = ['dt', 'faces', 'earL', 'earR', 'mouth', 'yaw', 'pitch', 'roll', 'boxX', 'boxY', 'boxW', 'boxH', 'eyeSpan', 'luma', 'nose', 'lidL', 'lidR'] as const
const N = SUMMARY_FIELDS.length

/**
 * Versions the backend replays. Version 2 is version 3 without the upper lids (its first 15 fields): a
 * mini-program already open when an update was published keeps running the version it started with, and an
 * old person's certification must not fail for that. Its replay has no lids, so the blink detector judges it
 * on the eye ratios alone, as that version's engine did.
 */
export const SUMMARY_VERSIONS = [2, 3] as const
export type SummaryVersion = (typeof SUMMARY_VERSIONS)[number]

/** Version 2's fields: those before the upper lids. */
const V2_FIELDS = SUMMARY_FIELDS.indexOf('lidL')

/** Values per frame in a summary of version `v`. */
export function summaryStride(v: SummaryVersion): number {
  return v === 2 ? V2_FIELDS : N
}

export interface ObservationSummary {
  v: SummaryVersion
  /** Layout the features came from (informational). */
  layout: string
  /** Number of frames. */
  n: number
  /** n x FIELDS integers, flat; dt = ms since the previous frame (the first frame: its absolute t). */
  data: (number | null)[]
}

const int = (v: number, k: number): number | null => (Number.isFinite(v) ? Math.round(v * k) + 0 : null)

/** What a session keeps of the frames it is given (LivenessSession). */
export interface FrameRecorder {
  /** `o` must already be quantised. */
  add(o: Observation): void
  readonly summary: ObservationSummary
}

/** Appends quantised observations to a summary. */
export class SummaryRecorder implements FrameRecorder {
  readonly summary: ObservationSummary
  private lastT = 0

  constructor(layout: string) {
    this.summary = { v: SUMMARY_VERSION, layout, n: 0, data: [] }
  }

  /** `o` must already be quantised. */
  add(o: Observation): void {
    const d = this.summary.data
    d.push(
      this.summary.n === 0 ? o.t : o.t - this.lastT,
      o.faceCount,
      int(o.earLeft, Q_RATIO),
      int(o.earRight, Q_RATIO),
      int(o.mouth, Q_RATIO),
      int(o.yaw, Q_ANGLE),
      int(o.pitch, Q_ANGLE),
      int(o.roll, Q_ANGLE),
      int(o.boxX, Q_BOX),
      int(o.boxY, Q_BOX),
      int(o.boxW, Q_BOX),
      int(o.boxH, Q_BOX),
      int(o.eyeSpan, Q_BOX),
      int(o.luma, 1),
      int(o.noseDrop, Q_RATIO),
      int(o.lidLeft, Q_RATIO),
      int(o.lidRight, Q_RATIO),
    )
    this.lastT = o.t
    this.summary.n++
  }
}

/**
 * For a replay (replaySummary in engine.ts): the frames a session is given are the frames of `source`,
 * decoded in order, so they are counted instead of encoded again (re-encoding them was a seventh of a
 * replay's time on the backend). The summary is `source` up to the last frame given, which is what a
 * SummaryRecorder would have made of them.
 */
export class ReplayRecorder implements FrameRecorder {
  private n = 0

  constructor(private readonly source: ObservationSummary) {}

  add(): void {
    this.n++
  }

  get summary(): ObservationSummary {
    return this.n === this.source.n ? this.source : { ...this.source, n: this.n, data: this.source.data.slice(0, this.n * summaryStride(this.source.v)) }
  }
}

const dec = (v: number | null, k: number): number => (v === null ? NaN : v / k)

/** Check the shape of an untrusted summary (e.g. from a client). Throws LivenessInputError. */
export function validateSummary(s: unknown): ObservationSummary {
  const o = s as ObservationSummary | null
  if (!o || typeof o !== 'object' || !(SUMMARY_VERSIONS as readonly unknown[]).includes(o.v) || !Array.isArray(o.data) || typeof o.n !== 'number') {
    throw new LivenessInputError('SUMMARY_BAD')
  }
  const stride = summaryStride(o.v)
  if (!Number.isInteger(o.n) || o.n < 0 || o.data.length !== o.n * stride) throw new LivenessInputError('SUMMARY_BAD')
  for (let i = 0; i < o.data.length; i++) {
    const v = o.data[i]
    if (v !== null && !Number.isInteger(v)) throw new LivenessInputError('SUMMARY_BAD')
    const field = i % stride
    if ((field === 0 || field === 1) && (v === null || v < 0)) throw new LivenessInputError('SUMMARY_BAD')
  }
  return o
}

/** Decode the frames of a summary into observations (already quantised). */
export function decodeSummary(s: ObservationSummary): Observation[] {
  const out: Observation[] = []
  let t = 0
  const d = s.data
  // Read once: under the backend's TypeScript loader every use of an imported constant is a getter
  // call, and this loop makes a dozen a frame (a sixteenth of a replay).
  const ratio = Q_RATIO
  const angle = Q_ANGLE
  const box = Q_BOX
  const stride = summaryStride(s.v)
  const lids = s.v !== 2
  for (let i = 0; i < s.n; i++) {
    const b = i * stride
    const o = emptyObservation()
    t = i === 0 ? (d[b] as number) : t + (d[b] as number)
    o.t = t
    o.faceCount = d[b + 1] as number
    o.earLeft = dec(d[b + 2], ratio)
    o.earRight = dec(d[b + 3], ratio)
    o.mouth = dec(d[b + 4], ratio)
    o.yaw = dec(d[b + 5], angle)
    o.pitch = dec(d[b + 6], angle)
    o.roll = dec(d[b + 7], angle)
    o.boxX = dec(d[b + 8], box)
    o.boxY = dec(d[b + 9], box)
    o.boxW = dec(d[b + 10], box)
    o.boxH = dec(d[b + 11], box)
    o.faceSize = o.boxW
    o.eyeSpan = dec(d[b + 12], box)
    o.luma = dec(d[b + 13], 1)
    o.noseDrop = dec(d[b + 14], ratio)
    if (lids) {
      o.lidLeft = dec(d[b + 15], ratio)
      o.lidRight = dec(d[b + 16], ratio)
    }
    out.push(o)
  }
  return out
}
