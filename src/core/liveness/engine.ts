/**
 * The engine end to end: tracker frames -> observations (adapters) -> quantised -> detectors ->
 * session. Also the whole-trace helpers used by the CLI and the backend (detectActions,
 * replaySummary).
 */
import { resolveLayout, type LayoutOverrides, type LayoutTable } from './adapters/layouts'
import { normaliseFrame, type NormaliseOptions } from './adapters/normalise'
import { DetectorBank } from './detectors/bank'
import { resolveDetectorConfig, type DetectorConfigInput } from './detectors/config'
import { LivenessInputError } from './errors'
import { quantiseObservation } from './quantise'
import { LivenessSession, type LivenessVerdict, type SessionEvent } from './session/machine'
import { resolveSessionConfig, type SessionConfigInput } from './session/config'
import { decodeSummary, ReplayRecorder, validateSummary, type ObservationSummary } from './summary'
import type { TraceHeader } from './trace/format'
import type { ActionEvent, ActionName, Observation, TrackerFrame } from './types'
import { emptyObservation } from './types'

export interface SourceOptions {
  /** Layout name ('mediapipe-478' | 'visionkit-106') or a full table. */
  layout: string | LayoutTable
  layoutOverrides?: LayoutOverrides
  /** Frame width / height. */
  aspect: number
  mirrored: boolean
}

export function sourceFromHeader(h: TraceHeader, layoutOverrides?: LayoutOverrides): SourceOptions {
  return { layout: h.layout, layoutOverrides, aspect: h.width / h.height, mirrored: h.mirrored === true }
}

export function layoutOf(src: SourceOptions): LayoutTable {
  if (typeof src.layout !== 'string') return src.layout
  const l = resolveLayout(src.layout, src.layoutOverrides)
  if (!l) throw new LivenessInputError('LAYOUT_UNKNOWN', src.layout)
  return l
}

function normaliseOptions(src: SourceOptions, minFaceScore: number): NormaliseOptions {
  return { layout: layoutOf(src), aspect: src.aspect > 0 ? src.aspect : 1, mirrored: src.mirrored, minFaceScore }
}

const NO_EVENTS: readonly SessionEvent[] = Object.freeze([]) as readonly SessionEvent[]

/** Frame-level engine for one session (what the mini-program and the browser run). */
export class LivenessEngine {
  readonly session: LivenessSession
  private readonly norm: NormaliseOptions
  private readonly scratch: Observation = emptyObservation()

  constructor(src: SourceOptions, challenge: readonly ActionName[], config?: SessionConfigInput) {
    const cfg = resolveSessionConfig(config)
    this.norm = normaliseOptions(src, cfg.minFaceScore)
    this.session = new LivenessSession({ challenge, config, tuning: this.norm.layout.tuning, layout: this.norm.layout.name })
  }

  pushFrame(frame: TrackerFrame): readonly SessionEvent[] {
    if (this.session.verdict) return NO_EVENTS
    return this.session.push(normaliseFrame(frame, this.norm, this.scratch))
  }

  finish(): LivenessVerdict {
    return this.session.finish()
  }
}

/** Run a whole list of frames through a session and return every event plus the verdict. */
export function runSession(
  src: SourceOptions,
  frames: readonly TrackerFrame[],
  challenge: readonly ActionName[],
  config?: SessionConfigInput,
): { events: SessionEvent[]; verdict: LivenessVerdict } {
  const engine = new LivenessEngine(src, challenge, config)
  const events: SessionEvent[] = []
  for (const f of frames) {
    const ev = engine.pushFrame(f)
    for (let i = 0; i < ev.length; i++) events.push(ev[i])
    if (engine.session.verdict) break
  }
  const verdict = engine.session.verdict ?? finishInto(engine, events)
  return { events, verdict }
}

function finishInto(engine: LivenessEngine, events: SessionEvent[]): LivenessVerdict {
  const v = engine.finish()
  events.push({ type: 'verdict', t: v.endMs, passed: v.passed, reason: v.reason, text: '' })
  return v
}

/** Every action event anywhere in a trace (no session, no challenge), in the order they complete. */
export function detectActions(
  src: SourceOptions,
  frames: readonly TrackerFrame[],
  config?: { minFaceScore?: number; detectors?: DetectorConfigInput },
): ActionEvent[] {
  const norm = normaliseOptions(src, config?.minFaceScore ?? resolveSessionConfig().minFaceScore)
  const bank = new DetectorBank(resolveDetectorConfig(config?.detectors), norm.layout.tuning)
  const o = emptyObservation()
  const out: ActionEvent[] = []
  let lastT = -Infinity
  for (const f of frames) {
    quantiseObservation(normaliseFrame(f, norm, o), o)
    if (o.t < lastT) o.t = lastT
    lastT = o.t
    const ev = bank.update(o)
    for (let i = 0; i < ev.length; i++) out.push(ev[i])
  }
  return out
}

/**
 * Backend check: replay a verdict's observation summary through the same engine. With the same
 * challenge and config it reaches the same verdict (compare passed/reason/actions with the client's).
 */
export function replaySummary(summary: ObservationSummary, challenge: readonly ActionName[], config?: SessionConfigInput): LivenessVerdict {
  const s = validateSummary(summary)
  const layout = resolveLayout(s.layout)
  if (!layout) throw new LivenessInputError('LAYOUT_UNKNOWN', s.layout)
  const session = new LivenessSession({ challenge, config, tuning: layout.tuning, layout: layout.name, recorder: new ReplayRecorder(s) })
  for (const o of decodeSummary(s)) {
    session.push(o)
    if (session.verdict) return session.verdict
  }
  return session.finish()
}
