/**
 * Head actions = a clear excursion of yaw (turns) or pitch (nods) from the person's frontal baseline,
 * held beyond the threshold for holdMs. An excursion is attributed to one axis only: the one that went
 * further relative to its own threshold (turning the head also moves pitch a little, and vice versa).
 * A pitch excursion during which the face's distance to the camera changed a lot (eye span changed by
 * more than maxScaleChange) is perspective, not a nod: moving toward or away from a camera that sits
 * above or below the face changes the apparent pitch by 5-7 deg.
 */
import type { ActionEvent, ActionName, Observation } from '../types'
import type { HeadConfig } from './config'
import type { PoseTracker } from './pose'

/** Credit for the frame interval before the first frame past the threshold, at most this. */
const MAX_GAP_CREDIT_MS = 0

/** One axis: runs of the excursion beyond half its threshold, qualified once beyond the full threshold. */
class AxisExcursion {
  private sign = 0
  private runStart = 0
  private runLast = 0
  private thrFirst = NaN
  private thrLast = NaN
  private peak = 0
  private peakT = 0
  private crossPeak = 0
  private emitted = false
  /** A frame between half and the full threshold was seen before the excursion passed it (the head moved there). */
  private rampIn = false
  private rampOut = false
  private gapAtFirst = 0
  private prevT = NaN
  private minSpan = Infinity
  private maxSpan = 0

  constructor(
    private readonly posAction: ActionName,
    private readonly negAction: ActionName,
    private readonly holdMs: number,
    private readonly maxHoldMs: number,
    /** Largest allowed max/min eye-span ratio within the excursion (Infinity = no check). */
    private readonly maxScaleRatio: number,
  ) {}

  abort(): void {
    this.sign = 0
  }

  /** d = excursion (deg); thrPos/thrNeg = thresholds; cross = the other axis' excursion / its threshold. */
  /** span = eye span now; spanBase = eye span in the frontal pose (the excursion is compared with both). */
  update(t: number, d: number, thrPos: number, thrNeg: number, cross: number, span: number, spanBase: number): ActionEvent | null {
    const s = d >= thrPos / 2 ? 1 : d <= -thrNeg / 2 ? -1 : 0
    let event: ActionEvent | null = null
    const prevT = this.prevT
    this.prevT = t
    if (s !== this.sign) {
      if (this.sign !== 0) {
        // the frame that ends a run on the way back, if it is still past half the threshold of the other side it is not a ramp
        event = this.finish()
      }
      this.sign = s
      if (s !== 0) {
        this.runStart = t
        this.thrFirst = NaN
        this.thrLast = NaN
        this.peak = 0
        this.peakT = t
        this.crossPeak = 0
        this.emitted = false
        this.rampIn = false
        this.rampOut = false
        this.minSpan = spanBase > 0 ? spanBase : Infinity
        this.maxSpan = spanBase > 0 ? spanBase : 0
      }
    }
    if (this.sign === 0) return event
    this.runLast = t
    const ratio = Math.abs(d) / (s > 0 ? thrPos : thrNeg)
    if (ratio >= 1) {
      if (Number.isNaN(this.thrFirst)) {
        this.thrFirst = t
        this.gapAtFirst = Number.isNaN(prevT) ? 0 : Math.min(t - prevT, MAX_GAP_CREDIT_MS)
      }
      this.thrLast = t
      this.rampOut = false
    } else if (Number.isNaN(this.thrFirst)) {
      this.rampIn = true
    } else {
      this.rampOut = true
    }
    if (ratio > this.peak) {
      this.peak = ratio
      this.peakT = t
    }
    if (cross > this.crossPeak) this.crossPeak = cross
    if (span < this.minSpan) this.minSpan = span
    if (span > this.maxSpan) this.maxSpan = span
    if (!this.emitted && t - this.runStart >= this.maxHoldMs && this.qualified()) {
      this.emitted = true
      return { action: this.sign > 0 ? this.posAction : this.negAction, startMs: this.runStart, endMs: t, peakMs: this.peakT }
    }
    return event
  }

  private qualified(): boolean {
    // held: first to last frame beyond the threshold, plus the frame interval before the first (at 7.5 fps
    // a 250-ms hold may be caught by two frames only)
    if (!(this.thrLast - this.thrFirst + this.gapAtFirst >= this.holdMs) || this.peak < this.crossPeak) return false
    return !(this.maxSpan > this.minSpan * this.maxScaleRatio)
  }

  private finish(): ActionEvent | null {
    // A head moves through the angles in between, on the way there or back; a photo swapped for
    // another jumps (a slideshow).
    if (this.emitted || !this.qualified()) return null
    return { action: this.sign > 0 ? this.posAction : this.negAction, startMs: this.runStart, endMs: this.runLast, peakMs: this.peakT }
  }
}

export class HeadDetector {
  private readonly yaw: AxisExcursion
  private readonly pitch: AxisExcursion

  constructor(
    cfg: HeadConfig,
    private readonly turnDeg: number,
    private readonly nodUpDeg: number,
    private readonly nodDownDeg: number,
  ) {
    // engine convention: yaw > 0 = turn to own left, pitch > 0 = head up
    this.yaw = new AxisExcursion('turn_left', 'turn_right', cfg.holdMs, cfg.maxHoldMs, Infinity)
    this.pitch = new AxisExcursion('head_up', 'head_down', cfg.holdMs, cfg.maxHoldMs, 1 + cfg.maxScaleChange)
  }

  abort(): void {
    this.yaw.abort()
    this.pitch.abort()
  }

  /** Up to two events per frame (one per axis); written into `out`, returns how many. */
  update(o: Observation, pose: PoseTracker, out: (ActionEvent | null)[]): void {
    out[0] = null
    out[1] = null
    if (!pose.ready || !Number.isFinite(pose.dYaw) || !Number.isFinite(pose.dPitch)) return
    const dy = pose.dYaw
    const dp = pose.dPitch
    const yawRatio = Math.abs(dy) / this.turnDeg
    const pitchRatio = dp >= 0 ? dp / this.nodUpDeg : -dp / this.nodDownDeg
    const sb = pose.spanBase
    out[0] = this.yaw.update(o.t, dy, this.turnDeg, this.turnDeg, pitchRatio, o.eyeSpan, sb)
    out[1] = this.pitch.update(o.t, dp, this.nodUpDeg, this.nodDownDeg, yawRatio, o.eyeSpan, sb)
  }
}
