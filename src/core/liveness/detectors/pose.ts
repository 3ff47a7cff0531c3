/**
 * The person's frontal head pose (running median of yaw and pitch while the head is near it), the
 * current excursion from it, and the head's angular speed. Shared by all detectors for one frame.
 */
import type { Observation } from '../types'
import { RollingMedian } from './rolling-median'

export interface PoseThresholds {
  turnDeg: number
  nodUpDeg: number
  nodDownDeg: number
  baselineMs: number
  /** Window of the free-running baseline (the centre of the person's pose distribution). */
  centreMs: number
  staleMs: number
  warmupMs: number
}

const SPEED_SPAN_MS = 90
const FEED_BAND = 0.8
const HISTORY = 16
/** Frames before the anchor that seed the frontal baseline (the gate's hold is 600 ms). */
const ANCHOR_MS = 500

export class PoseTracker {
  /** Excursion from the frontal baseline, degrees (engine convention). NaN until ready. */
  dYaw = NaN
  dPitch = NaN
  /** Excursion of Observation.noseDrop from its frontal baseline (NaN when unknown). */
  dNose = NaN
  /** Head angular speed in deg/s over the last ~100 ms (0 when unknown). */
  speed = 0
  /** Yaw-only angular speed (Human's pitch also jumps when the eyelids close; its yaw does not). */
  yawSpeed = 0
  ready = false
  private readonly yawMed: RollingMedian
  private readonly pitchMed: RollingMedian
  private readonly spanMed: RollingMedian
  private readonly noseMed: RollingMedian
  private yawFedT = -Infinity
  private pitchFedT = -Infinity
  private firstT = NaN
  private readonly histT = new Float64Array(HISTORY)
  private readonly histYaw = new Float64Array(HISTORY)
  private readonly histPitch = new Float64Array(HISTORY)
  private histN = 0
  private histHead = 0
  private anchored = false

  /** The baseline comes from a session's positioning gate (false: free-running, the centre of the pose distribution). */
  get isAnchored(): boolean {
    return this.anchored
  }

  constructor(private readonly th: PoseThresholds) {
    // free-running the window is longer (the centre of the distribution); 256 values hold 8 s at 30 fps
    this.yawMed = new RollingMedian(th.centreMs, 256)
    this.pitchMed = new RollingMedian(th.centreMs, 256)
    this.spanMed = new RollingMedian(th.baselineMs)
    this.noseMed = new RollingMedian(th.centreMs, 256)
  }

  get yawBase(): number {
    return this.yawMed.median()
  }

  get pitchBase(): number {
    return this.pitchMed.median()
  }

  /** Eye span (distance to camera) while in the frontal pose; NaN when unknown. */
  get spanBase(): number {
    return this.spanMed.median()
  }

  /**
   * The face is frontal and steady now (the session's positioning gate just held): the baseline
   * restarts from the last ANCHOR_MS of frames and from then on learns only from frames near it.
   */
  anchor(): void {
    const newest = this.histN > 0 ? this.histT[(this.histHead - 1 + HISTORY) % HISTORY] : NaN
    if (Number.isNaN(newest)) return
    this.yawMed.reset()
    this.pitchMed.reset()
    for (let k = this.histN - 1; k >= 0; k--) {
      const i = (this.histHead - 1 - k + 2 * HISTORY) % HISTORY
      if (newest - this.histT[i] > ANCHOR_MS) continue
      this.yawMed.push(this.histT[i], this.histYaw[i])
      this.pitchMed.push(this.histT[i], this.histPitch[i])
    }
    this.yawFedT = newest
    this.pitchFedT = newest
    this.anchored = true
  }

  reset(): void {
    this.yawMed.reset()
    this.pitchMed.reset()
    this.spanMed.reset()
    this.noseMed.reset()
    this.histN = 0
    this.histHead = 0
    this.yawFedT = -Infinity
    this.pitchFedT = -Infinity
    this.firstT = NaN
    this.anchored = false
    this.ready = false
    this.dYaw = NaN
    this.dPitch = NaN
    this.speed = 0
  }

  update(o: Observation): void {
    const t = o.t
    if (!Number.isFinite(o.yaw) || !Number.isFinite(o.pitch)) {
      this.dYaw = NaN
      this.dPitch = NaN
      this.dNose = NaN
      this.speed = 0
      this.yawSpeed = 0
      return
    }
    this.updateSpeed(t, o.yaw, o.pitch)
    if (Number.isNaN(this.firstT)) this.firstT = t
    const th = this.th
    const yb = this.yawMed.median()
    const pb = this.pitchMed.median()
    const havebase = this.yawMed.count > 0
    const dy = havebase ? o.yaw - yb : 0
    const dp = havebase ? o.pitch - pb : 0
    const warm = t - this.firstT < th.warmupMs
    // Anchored (a session's positioning gate held the face frontal): each axis learns only from frames
    // near its baseline (within FEED_BAND of the threshold), so a slow drift is followed while a clear
    // turn or nod is not learnt. Free-running: the baseline is the centre of the person's own pose
    // distribution over a long window, so swinging the head from side to side cannot settle it on
    // one side of the swing.
    const free = !this.anchored
    const yawNear = free || Math.abs(dy) < FEED_BAND * th.turnDeg
    const pitchNear = free || (dp < FEED_BAND * th.nodUpDeg && -dp < FEED_BAND * th.nodDownDeg)
    if (!havebase || warm || yawNear || t - this.yawFedT > th.staleMs) {
      this.yawMed.push(t, o.yaw)
      this.yawFedT = t
    }
    if (!havebase || warm || pitchNear || t - this.pitchFedT > th.staleMs) {
      this.pitchMed.push(t, o.pitch)
      this.spanMed.push(t, o.eyeSpan)
      if (Number.isFinite(o.noseDrop)) this.noseMed.push(t, o.noseDrop)
      this.pitchFedT = t
    }
    this.ready = !warm && this.yawMed.count > 0
    if (this.ready) {
      this.dYaw = o.yaw - this.yawMed.median()
      this.dPitch = o.pitch - this.pitchMed.median()
      this.dNose = Number.isFinite(o.noseDrop) && this.noseMed.count > 0 ? o.noseDrop - this.noseMed.median() : NaN
    } else {
      this.dYaw = NaN
      this.dPitch = NaN
      this.dNose = NaN
    }
  }

  private updateSpeed(t: number, yaw: number, pitch: number): void {
    // find the newest sample at least SPEED_SPAN_MS older than t
    let speed = 0
    let yawSpeed = 0
    for (let k = 0; k < this.histN; k++) {
      const i = (this.histHead - 1 - k + 2 * HISTORY) % HISTORY
      const dt = t - this.histT[i]
      if (dt >= SPEED_SPAN_MS) {
        const dy = yaw - this.histYaw[i]
        const dp = pitch - this.histPitch[i]
        speed = (Math.sqrt(dy * dy + dp * dp) * 1000) / dt
        yawSpeed = (Math.abs(dy) * 1000) / dt
        break
      }
    }
    this.speed = speed
    this.yawSpeed = yawSpeed
    this.histT[this.histHead] = t
    this.histYaw[this.histHead] = yaw
    this.histPitch[this.histHead] = pitch
    this.histHead = (this.histHead + 1) % HISTORY
    if (this.histN < HISTORY) this.histN++
  }
}
