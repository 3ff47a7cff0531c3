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
 */
import { DetectorBank, type HeadTuning } from '../detectors/bank'
import { resolveDetectorConfig } from '../detectors/config'
import { quantiseObservation } from '../quantise'
import { SummaryRecorder, type ObservationSummary } from '../summary'
import type { ActionEvent, ActionName, Observation } from '../types'
import { emptyObservation, isActionName } from '../types'
import { LivenessInputError } from '../errors'
import { resolveSessionConfig, type SessionConfig, type SessionConfigInput } from './config'
import { GateChecker } from './gates'
import { ACTION_PROMPTS, FAIL_TEXTS, HINTS, PASSED_TEXT, POSITION_PROMPT, type FailReason, type HintCode } from './texts'

export type SessionPhase = 'positioning' | 'action' | 'passed' | 'failed'

export type SessionEvent =
  | { type: 'prompt'; t: number; phase: 'positioning' | 'action'; step: number; action: ActionName | null; text: string; retry: boolean }
  | { type: 'hint'; t: number; code: HintCode | null; text: string }
  | { type: 'detected'; t: number; action: ActionName; startMs: number; endMs: number; peakMs: number }
  | { type: 'progress'; t: number; done: number; total: number; action: ActionName }
  | { type: 'verdict'; t: number; passed: boolean; reason: FailReason | null; text: string }

export interface LivenessVerdict {
  passed: boolean
  reason: FailReason | null
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
}

const NO_EVENTS: readonly SessionEvent[] = Object.freeze([]) as readonly SessionEvent[]

export class LivenessSession {
  readonly cfg: SessionConfig
  readonly challenge: ActionName[]
  private readonly bank: DetectorBank
  private readonly gates: GateChecker
  private readonly recorder: SummaryRecorder
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
  private anyAction = false
  private minYaw = Infinity
  private maxYaw = -Infinity
  private minPitch = Infinity
  private maxPitch = -Infinity
  private minCx = Infinity
  private maxCx = -Infinity
  private minCy = Infinity
  private maxCy = -Infinity
  private sizeSum = 0
  private sizeN = 0
  private result: LivenessVerdict | null = null

  constructor(opts: SessionOptions) {
    this.cfg = resolveSessionConfig(opts.config)
    if (opts.challenge.length === 0 || !opts.challenge.every(isActionName)) throw new LivenessInputError('CHALLENGE_INVALID')
    this.challenge = opts.challenge.slice()
    this.bank = new DetectorBank(resolveDetectorConfig(this.cfg.detectors), opts.tuning)
    this.gates = new GateChecker(this.cfg)
    this.recorder = new SummaryRecorder(opts.layout)
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
    if (t - this.startT > this.cfg.totalTimeoutMs) return this.fail(t, this.stillReason())

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
      this.trackStill(o)
    }
    for (let i = 0; i < detected.length; i++) {
      const ev = detected[i]
      this.anyAction = true
      this.emit({ type: 'detected', t, action: ev.action, startMs: ev.startMs, endMs: ev.endMs, peakMs: ev.peakMs })
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
        return this.fail(t, this.stillReason())
      }
    }
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
    if (this.phase === 'action' && this.stillReason() === 'no_liveness' && t0(this.lastT - this.stepStart) >= 5000) return 'no_liveness'
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

  private trackStill(o: Observation): void {
    if (o.yaw < this.minYaw) this.minYaw = o.yaw
    if (o.yaw > this.maxYaw) this.maxYaw = o.yaw
    if (o.pitch < this.minPitch) this.minPitch = o.pitch
    if (o.pitch > this.maxPitch) this.maxPitch = o.pitch
    const cx = o.boxX + o.boxW / 2
    const cy = o.boxY + o.boxH / 2
    if (cx < this.minCx) this.minCx = cx
    if (cx > this.maxCx) this.maxCx = cx
    if (cy < this.minCy) this.minCy = cy
    if (cy > this.maxCy) this.maxCy = cy
    if (o.faceSize > 0) {
      this.sizeSum += o.faceSize
      this.sizeN++
    }
  }

  /** no_liveness when nothing moved and no action of any kind was seen, else timeout. */
  private stillReason(): FailReason {
    if (this.anyAction || this.sizeN === 0) return 'timeout'
    const size = this.sizeSum / this.sizeN
    const c = this.cfg
    const still =
      this.maxYaw - this.minYaw <= c.stillDeg &&
      this.maxPitch - this.minPitch <= c.stillDeg &&
      (this.maxCx - this.minCx) / size <= c.stillMove &&
      (this.maxCy - this.minCy) / size <= c.stillMove
    return still ? 'no_liveness' : 'timeout'
  }

  private emit(e: SessionEvent): void {
    this.out.push(e)
  }

  private pass(t: number): readonly SessionEvent[] {
    this.phase = 'passed'
    this.emit({ type: 'verdict', t, passed: true, reason: null, text: PASSED_TEXT })
    this.result = this.makeVerdict(t, true, null)
    return this.out
  }

  private fail(t: number, reason: FailReason): readonly SessionEvent[] {
    this.phase = 'failed'
    this.emit({ type: 'verdict', t, passed: false, reason, text: FAIL_TEXTS[reason] })
    this.result = this.makeVerdict(t, false, reason)
    return this.out
  }

  private makeVerdict(t: number, passed: boolean, reason: FailReason | null): LivenessVerdict {
    return {
      passed,
      reason,
      challenge: this.challenge.slice(),
      actions: this.accepted.slice(),
      startMs: Number.isNaN(this.startT) ? 0 : this.startT,
      endMs: t,
      frames: this.recorder.summary.n,
      summary: this.recorder.summary,
    }
  }
}

function t0(v: number): number {
  return Number.isFinite(v) ? v : 0
}
