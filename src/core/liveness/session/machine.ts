/**
 * The liveness session: positioning -> each challenged action in order -> passed, or failed with a
 * reason. Feed quantised-or-raw observations in time order with push(); read the UI events it returns;
 * call finish() when the stream ends. Deterministic: the same observations give the same events and
 * verdict. It records a compact summary of what it saw (see summary.ts) for replay on the backend.
 *
 * Order rule: while waiting for action i, a detected action that the challenge asks for LATER
 * (j > i) fails the session with out_of_order, except blink (people blink on their own all the time,
 * so an early blink is ignored). Actions the challenge does not ask for are ignored.
 * So "correct actions in the wrong order" fails with out_of_order when the later action is not a
 * blink, and otherwise times out (timeout) waiting for the action that never comes in order.
 *
 * Still rule (a photo held to the camera): in the action phase, when for `stillWindowMs` nothing in the
 * face moved beyond the tracker's own noise (layout `stillNoise` x `stillNoiseMargin`) from where it was
 * when that still stretch began, and no action of any kind was detected, the session fails with
 * no_liveness at once instead of waiting out the allowance. Any movement beyond the noise starts a new
 * stretch from the current frame. A slideshow of photos jumps between frames: each jump counts as
 * movement, so a slideshow is not ended early (it still never passes: no action is seen).
 *
 * Nothing alive: when the actions run out of time and the detectors saw no action of any kind since
 * the actions began (not even a blink, which every living face makes many times in that time), the
 * reason is no_liveness, not timeout: a photo moved about in front of the camera says so, instead of
 * "time is up". Otherwise a timeout names the action that was not seen (`missedAction`), so the
 * person hears which one and what to try.
 */
import { LAYOUTS, type StillNoise } from '../adapters/layouts'
import { DetectorBank, type HeadTuning } from '../detectors/bank'
import { resolveDetectorConfig } from '../detectors/config'
import { quantiseObservation } from '../quantise'
import { SummaryRecorder, type FrameRecorder, type ObservationSummary } from '../summary'
import type { ActionEvent, ActionName, Observation } from '../types'
import { emptyObservation, isActionName } from '../types'
import { LivenessInputError } from '../errors'
import { resolveSessionConfig, type SessionConfig, type SessionConfigInput } from './config'
import { GateChecker } from './gates'
import { ACTION_PROMPTS, HINTS, PASSED_TEXT, POSITION_PROMPT, failureText, type FailReason, type HintCode } from './texts'

export type SessionPhase = 'positioning' | 'action' | 'passed' | 'failed'

export type SessionEvent =
  | { type: 'prompt'; t: number; phase: 'positioning' | 'action'; step: number; action: ActionName | null; text: string; retry: boolean }
  | { type: 'hint'; t: number; code: HintCode | null; text: string }
  | { type: 'detected'; t: number; action: ActionName; startMs: number; endMs: number; peakMs: number }
  | { type: 'progress'; t: number; done: number; total: number; action: ActionName }
  | { type: 'verdict'; t: number; passed: boolean; reason: FailReason | null; missedAction?: ActionName | null; text: string }

export interface LivenessVerdict {
  passed: boolean
  reason: FailReason | null
  /** The challenged action being waited for when the session failed during the actions (null otherwise). */
  missedAction: ActionName | null
  challenge: ActionName[]
  /** The detected event that satisfied each completed step, in order. */
  actions: ActionEvent[]
  startMs: number
  endMs: number
  frames: number
  summary: ObservationSummary
}

export interface SessionOptions {
  challenge: readonly ActionName[]
  config?: SessionConfigInput
  /** Tracker-dependent head thresholds (layout.tuning). */
  tuning: HeadTuning
  /** Layout name recorded in the summary. */
  layout: string
  /** How the frames are kept for the verdict's summary (default: a SummaryRecorder of `layout`). */
  recorder?: FrameRecorder
}

const NO_EVENTS: readonly SessionEvent[] = Object.freeze([]) as readonly SessionEvent[]

export class LivenessSession {
  readonly cfg: SessionConfig
  readonly challenge: ActionName[]
  private readonly bank: DetectorBank
  private readonly gates: GateChecker
  private readonly recorder: FrameRecorder
  private readonly o: Observation = emptyObservation()
  private readonly out: SessionEvent[] = []
  private phase: SessionPhase = 'positioning'
  private startT = NaN
  private lastT = NaN
  private phaseStart = NaN
  private step = 0
  private stepStart = NaN
  private retriesUsed = 0
  private positionedSince = NaN
  private lastFaceT = NaN
  private multiSince = NaN
  private hint: HintCode | null = null
  private candidate: HintCode | null = null
  private candidateSince = NaN
  private readonly accepted: ActionEvent[] = []
  /** Any action at all (challenged or not) detected since the actions began. */
  private anyDetected = false
  /** Still-face thresholds (noise x margin), or null when the layout has no stillNoise (rule off). */
  private readonly still: StillNoise | null
  /** Start of the current still stretch (NaN: none yet) and the face's features at that moment. */
  private stillSince = NaN
  private readonly anchor = new Float64Array(STILL_FEATURES)
  private readonly feat = new Float64Array(STILL_FEATURES)
  private result: LivenessVerdict | null = null

  constructor(opts: SessionOptions) {
    this.cfg = resolveSessionConfig(opts.config)
    if (opts.challenge.length === 0 || !opts.challenge.every(isActionName)) throw new LivenessInputError('CHALLENGE_INVALID')
    this.challenge = opts.challenge.slice()
    this.bank = new DetectorBank(resolveDetectorConfig(this.cfg.detectors), opts.tuning)
    this.gates = new GateChecker(this.cfg)
    this.recorder = opts.recorder ?? new SummaryRecorder(opts.layout)
    this.still = stillThresholds(this.cfg, opts.layout)
  }

  get currentPhase(): SessionPhase {
    return this.phase
  }

  get verdict(): LivenessVerdict | null {
    return this.result
  }

  /** Process one observation; returns the UI events it caused (a reused array: copy what you keep). */
  push(input: Observation): readonly SessionEvent[] {
    if (this.result) return NO_EVENTS
    const out = this.out
    out.length = 0
    const o = quantiseObservation(input, this.o)
    if (o.t < this.lastT) o.t = this.lastT // time never goes backwards inside the engine
    this.recorder.add(o)
    const t = o.t
    this.lastT = t
    if (Number.isNaN(this.startT)) {
      this.startT = t
      this.phaseStart = t
      this.emit({ type: 'prompt', t, phase: 'positioning', step: -1, action: null, text: POSITION_PROMPT, retry: false })
    }
    const detected = this.bank.update(o)
    if (o.faceCount > 0) this.gates.track(o)

    if (o.faceCount >= 2) {
      if (Number.isNaN(this.multiSince)) this.multiSince = t
      if (t - this.multiSince >= this.cfg.multipleFacesMs) return this.fail(t, 'multiple_faces')
    } else {
      this.multiSince = NaN
    }
    if (t - this.startT > this.cfg.totalTimeoutMs) return this.fail(t, 'timeout')

    if (this.phase === 'positioning') {
      const h = this.gates.positionHint(o)
      this.updateHint(t, h)
      if (h === null) {
        if (Number.isNaN(this.positionedSince)) this.positionedSince = t
        if (t - this.positionedSince >= this.cfg.positioning.holdMs) {
          this.phase = 'action'
          // The person was just held frontal and steady by the gates: that is their frontal pose.
          this.bank.anchorFrontal()
          this.lastFaceT = t
          this.startStep(t, 0, false)
        }
      } else {
        this.positionedSince = NaN
      }
      if (this.phase === 'positioning' && t - this.phaseStart > this.cfg.positioningTimeoutMs) return this.fail(t, 'timeout')
      return out
    }

    // action phase
    this.updateHint(t, this.gates.basicHint(o))
    if (o.faceCount === 0) {
      if (t - this.lastFaceT >= this.cfg.faceLostMs) return this.fail(t, 'face_lost')
    } else {
      this.lastFaceT = t
      this.trackStill(o, detected.length > 0)
    }
    if (detected.length > 0) this.anyDetected = true
    for (let i = 0; i < detected.length; i++) {
      const ev = detected[i]
      this.emit({ type: 'detected', t, action: ev.action, startMs: ev.startMs, endMs: ev.endMs, peakMs: ev.peakMs })
      // A response starts after its prompt: a movement already under way when the step began (during
      // positioning, say) answers nothing.
      if (ev.startMs < this.stepStart) continue
      const want = this.challenge[this.step]
      if (ev.action === want) {
        this.accepted.push({ action: ev.action, startMs: ev.startMs, endMs: ev.endMs, peakMs: ev.peakMs })
        this.emit({ type: 'progress', t, done: this.step + 1, total: this.challenge.length, action: ev.action })
        if (this.step + 1 >= this.challenge.length) return this.pass(t)
        this.startStep(t, this.step + 1, false)
      } else if (ev.action !== 'blink' && this.challenge.indexOf(ev.action, this.step + 1) > this.step) {
        return this.fail(t, 'out_of_order')
      }
    }
    if (t - this.stepStart > this.cfg.actionTimeoutMs) {
      if (this.retriesUsed < this.cfg.actionRetries) {
        this.retriesUsed++
        this.startStep(t, this.step, true)
      } else {
        return this.fail(t, 'timeout')
      }
    }
    // Judged on frames that show the face (a frame without one neither moves nor ends the stretch).
    if (o.faceCount > 0 && t - this.stillSince >= this.cfg.stillWindowMs) return this.fail(t, 'no_liveness')
    return out
  }

  /** End of the stream: returns the verdict (failed with `incomplete` if nothing was decided). */
  finish(): LivenessVerdict {
    if (this.result) return this.result
    const t = Number.isNaN(this.lastT) ? 0 : this.lastT
    this.out.length = 0
    this.fail(t, this.finishReason())
    return this.result as unknown as LivenessVerdict
  }

  private finishReason(): FailReason {
    // A stream that ends while the face is still has not been still long enough to tell (or push()
    // would have ended the session): incomplete, never no_liveness.
    return 'incomplete'
  }

  private startStep(t: number, step: number, retry: boolean): void {
    if (!retry) this.retriesUsed = 0
    this.step = step
    this.stepStart = t
    const action = this.challenge[step]
    if (action === undefined) {
      this.pass(t)
      return
    }
    this.emit({ type: 'prompt', t, phase: 'action', step, action, text: ACTION_PROMPTS[action], retry })
  }

  private updateHint(t: number, h: HintCode | null): void {
    if (h !== this.candidate) {
      this.candidate = h
      this.candidateSince = t
    }
    if (this.candidate !== this.hint && t - this.candidateSince >= this.cfg.hintDebounceMs) {
      this.hint = this.candidate
      this.emit({ type: 'hint', t, code: this.hint, text: this.hint ? HINTS[this.hint] : '' })
    }
  }

  /**
   * Still rule: compare this frame's features with the anchor (the features when the current still
   * stretch began); beyond the thresholds on any feature, or any detected action, starts a new stretch
   * here. Box centre and size are measured in face widths of the anchor.
   */
  private trackStill(o: Observation, detected: boolean): void {
    const th = this.still
    if (!th) return
    const f = this.feat
    f[0] = (o.earLeft + o.earRight) / 2
    f[1] = o.mouth
    f[2] = o.yaw
    f[3] = o.pitch
    f[4] = o.roll
    f[5] = o.boxX + o.boxW / 2
    f[6] = o.boxY + o.boxH / 2
    f[7] = o.boxW
    const a = this.anchor
    let moved = detected || Number.isNaN(this.stillSince)
    if (!moved) {
      const w = a[7] > 0 ? a[7] : 1
      moved =
        beyond(f[0], a[0], th.ear) ||
        beyond(f[1], a[1], th.mouth) ||
        beyond(f[2], a[2], th.yawDeg) ||
        beyond(f[3], a[3], th.pitchDeg) ||
        beyond(f[4], a[4], th.rollDeg) ||
        beyond(f[5] / w, a[5] / w, th.centre) ||
        beyond(f[6] / w, a[6] / w, th.centre) ||
        beyond(f[7] / w, a[7] / w, th.size)
    }
    if (moved) {
      a.set(f)
      this.stillSince = o.t
    }
  }

  private emit(e: SessionEvent): void {
    this.out.push(e)
  }

  private pass(t: number): readonly SessionEvent[] {
    this.phase = 'passed'
    this.emit({ type: 'verdict', t, passed: true, reason: null, missedAction: null, text: PASSED_TEXT })
    this.result = this.makeVerdict(t, true, null)
    return this.out
  }

  private fail(t: number, failed: FailReason): readonly SessionEvent[] {
    const acting = this.phase === 'action'
    const reason: FailReason = failed === 'timeout' && acting && !this.anyDetected ? 'no_liveness' : failed
    const missedAction = acting ? (this.challenge[this.step] ?? null) : null
    this.phase = 'failed'
    this.emit({ type: 'verdict', t, passed: false, reason, missedAction, text: failureText(reason, missedAction) })
    this.result = this.makeVerdict(t, false, reason, missedAction)
    return this.out
  }

  private makeVerdict(t: number, passed: boolean, reason: FailReason | null, missedAction: ActionName | null = null): LivenessVerdict {
    // Read once: a replay's recorder makes its summary on request.
    const summary = this.recorder.summary
    return {
      passed,
      reason,
      missedAction,
      challenge: this.challenge.slice(),
      actions: this.accepted.slice(),
      startMs: Number.isNaN(this.startT) ? 0 : this.startT,
      endMs: t,
      frames: summary.n,
      summary,
    }
  }
}

/** Features the still rule compares: mean EAR, mouth, yaw, pitch, roll, box centre x, y, box width. */
const STILL_FEATURES = 8

/**
 * Moved beyond the threshold. A feature the tracker does not give (NaN on both sides) never moves; one
 * that appears or disappears does.
 */
function beyond(v: number, anchor: number, threshold: number): boolean {
  if (Number.isNaN(v) || Number.isNaN(anchor)) return Number.isNaN(v) !== Number.isNaN(anchor)
  return Math.abs(v - anchor) > threshold
}

/** The layout's still-face noise (with the config's overrides) times the margin; null turns the rule off. */
function stillThresholds(cfg: SessionConfig, layout: string): StillNoise | null {
  const base = Object.prototype.hasOwnProperty.call(LAYOUTS, layout) ? LAYOUTS[layout].stillNoise : undefined
  if (!base || !(cfg.stillWindowMs > 0) || !Number.isFinite(cfg.stillWindowMs)) return null
  const n: StillNoise = { ...base }
  const o = cfg.stillNoise ?? {}
  for (const k of Object.keys(n) as (keyof StillNoise)[]) if (typeof o[k] === 'number') n[k] = o[k] as number
  const m = cfg.stillNoiseMargin > 0 ? cfg.stillNoiseMargin : 1
  for (const k of Object.keys(n) as (keyof StillNoise)[]) n[k] *= m
  return n
}
