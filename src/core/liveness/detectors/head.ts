/**
 * Head actions = a clear excursion of yaw (turns) or pitch (nods) from the person's frontal baseline,
 * held beyond the threshold for holdMs. An excursion is attributed to one axis only: the one that went
 * further relative to its own threshold (turning the head also moves pitch a little, and vice versa).
 * A pitch excursion during which the face's distance to the camera changed a lot (eye span changed by
 * more than maxScaleChange) is perspective, not a nod: moving toward or away from a camera that sits
 * above or below the face changes the apparent pitch by 5-7 deg.
 * A nod is also checked on the face's geometry, because Human's pitch moves with expressions too: the
 * nose tip must come closer to the eye line (head up) or move away from it (head down) by at least
 * nodMinNoseShift eye spans somewhere in the run. Without the geometry (no landmarks) pitch alone decides.
 * A turn or nod is a movement: the excursion gains at least half its threshold within maxRiseMs before
 * passing it. A head that drifts there over several seconds (posture, a face-following crop) has not
 * turned, and the anchored frontal baseline follows such drift only slowly.
 */
import type { ActionEvent, ActionName, Observation } from '../types'
import type { HeadConfig } from './config'
import type { PoseTracker } from './pose'
import { TimedRing } from './timed-ring'

/** Recent excursions kept per axis (1.5 s at 30 fps fits in 64). */
const HISTORY = 64

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
  /** The excursion passed its threshold by a slow drift (posture), not by a movement. */
  private drift = false
  /** Recent excursions (time, d), for the rise. */
  private readonly recent = new TimedRing(HISTORY)
  /**
   * Recent raw angles (time, angle), for the way in and out. The way is the head moving through the
   * angles in between, so it is looked for in the angle itself: the excursion also changes while the
   * baseline follows a slow drift, and a photo held still while the baseline settled on it looked like a
   * head on its way when the next photo jumped.
   */
  private readonly recentRaw = new TimedRing(HISTORY)
  private minSpan = Infinity
  private maxSpan = 0
  /** Largest geometric agreement seen in the run (NaN: no geometry). */
  private geoPeak = NaN
  /** The head was seen on its way to the excursion (or the frames were too far apart to tell). */
  private wayIn = false
  /** Raw angle (toward this run's side) at the last frame past the threshold, the lowest after it in the run, and the previous frame's time. */
  private lastV = 0
  private tailMin = NaN
  private prevT = NaN

  constructor(
    private readonly posAction: ActionName,
    private readonly negAction: ActionName,
    private readonly holdMs: number,
    private readonly maxHoldMs: number,
    /** Largest allowed max/min eye-span ratio within the excursion (Infinity = no check). */
    private readonly maxScaleRatio: number,
    /** A turn or nod gains at least half its threshold within this long before it passes it. */
    private readonly maxRiseMs: number,
    /** The way: an intermediate frame at least minStepDeg from both ends within maxWayMs; not required past wayMaxGapMs. */
    private readonly way: { minStepDeg: number; maxWayMs: number; maxGapMs: number },
    /** Geometric agreement the run must reach (-Infinity: no geometric check on this axis). */
    private readonly minGeo: number,
    /** Free-running: the head must come back within this long of its last frame beyond the threshold. */
    private readonly maxReturnMs: number,
  ) {}

  abort(): void {
    this.sign = 0
  }

  /** d = excursion (deg); thrPos/thrNeg = thresholds; cross = the other axis' excursion / its threshold. */
  /** span = eye span now; spanBase = eye span in the frontal pose (the excursion is compared with both). */
  /** geo = the geometric excursion that agrees with a positive d when positive (NaN: unknown). */
  /** anchored = the frontal baseline comes from a session's gate (a held excursion counts; free-running it must return). */
  /** raw = the angle itself (d plus the baseline), for the way. */
  update(t: number, d: number, raw: number, thrPos: number, thrNeg: number, cross: number, span: number, spanBase: number, geo: number, anchored: boolean): ActionEvent | null {
    const s = d >= thrPos / 2 ? 1 : d <= -thrNeg / 2 ? -1 : 0
    const gap = Number.isNaN(this.prevT) ? 0 : t - this.prevT
    this.prevT = t
    let event: ActionEvent | null = null
    if (s !== this.sign) {
      if (this.sign !== 0) event = this.finish(t, this.sign * raw, gap, anchored)
      this.sign = s
      if (s !== 0) {
        this.runStart = t
        this.thrFirst = NaN
        this.thrLast = NaN
        this.peak = 0
        this.peakT = t
        this.crossPeak = 0
        this.emitted = false
        this.drift = false
        this.wayIn = false
        this.tailMin = NaN
        this.geoPeak = NaN
        this.minSpan = spanBase > 0 ? spanBase : Infinity
        this.maxSpan = spanBase > 0 ? spanBase : 0
      }
    }
    if (this.sign === 0) {
      this.remember(t, d, raw)
      return event
    }
    this.runLast = t
    const thr = s > 0 ? thrPos : thrNeg
    const ratio = Math.abs(d) / thr
    if (ratio >= 1) {
      if (Number.isNaN(this.thrFirst)) {
        this.thrFirst = t
        this.drift = s * d - this.lowestSince(t - this.maxRiseMs, s) < thr / 2
        this.wayIn = gap > this.way.maxGapMs || this.sawWayIn(t, s * raw, s)
      }
      this.thrLast = t
      this.lastV = s * raw
      this.tailMin = NaN
    } else if (!Number.isNaN(this.thrFirst)) {
      const v = s * raw
      if (Number.isNaN(this.tailMin) || v < this.tailMin) this.tailMin = v
    }
    this.remember(t, d, raw)
    if (ratio > this.peak) {
      this.peak = ratio
      this.peakT = t
    }
    if (cross > this.crossPeak) this.crossPeak = cross
    if (Number.isFinite(geo) && !(this.sign * geo <= this.geoPeak)) this.geoPeak = this.sign * geo
    if (span < this.minSpan) this.minSpan = span
    if (span > this.maxSpan) this.maxSpan = span
    if (anchored && !this.emitted && t - this.runStart >= this.maxHoldMs && this.qualified() && this.wayIn) {
      this.emitted = true
      return { action: this.sign > 0 ? this.posAction : this.negAction, startMs: this.runStart, endMs: t, peakMs: this.peakT }
    }
    return event
  }

  private remember(t: number, d: number, raw: number): void {
    this.recent.push(t, d)
    this.recentRaw.push(t, raw)
  }

  /** Lowest excursion toward `sign` among the remembered frames at or after `since` (Infinity when none). */
  private lowestSince(since: number, sign: number): number {
    let low = Infinity
    const r = this.recent
    for (let k = 0; k < r.size; k++) {
      if (r.timeAt(k) < since) break
      const v = sign * r.valueAt(k)
      if (v < low) low = v
    }
    return low
  }

  /**
   * On its way in: among the remembered raw angles of the last maxWayMs, one at least minStepDeg below the
   * frame that passed the threshold and at least minStepDeg above an earlier one. A swapped photo jumps.
   */
  private sawWayIn(t: number, v: number, sign: number): boolean {
    const { minStepDeg, maxWayMs } = this.way
    let lowestOlder = Infinity
    // walk from the oldest frame in the window to the newest, keeping the lowest seen so far
    const r = this.recentRaw
    for (let k = r.size - 1; k >= 0; k--) {
      if (r.timeAt(k) < t - maxWayMs) continue
      const u = sign * r.valueAt(k)
      if (v - u >= minStepDeg && u - lowestOlder >= minStepDeg) return true
      if (u < lowestOlder) lowestOlder = u
    }
    return false
  }

  private qualified(): boolean {
    if (this.geoPeak < this.minGeo) return false
    if (this.drift || !(this.thrLast - this.thrFirst >= this.holdMs) || this.peak < this.crossPeak) return false
    return !(this.maxSpan > this.minSpan * this.maxScaleRatio)
  }

  /** The run ended at `endT` with excursion `endV` (toward this run's side). */
  private finish(endT: number, endV: number, gap: number, anchored: boolean): ActionEvent | null {
    if (this.emitted || !this.qualified()) return null
    if (!anchored && endT - this.thrLast > this.maxReturnMs && gap <= this.way.maxGapMs) return null
    const step = this.way.minStepDeg
    const wayOut =
      gap > this.way.maxGapMs ||
      (!Number.isNaN(this.tailMin) && endT - this.thrLast <= this.way.maxWayMs && this.lastV - this.tailMin >= step && this.tailMin - endV >= step)
    // A head moves through the angles in between, on the way there or back
    if (!this.wayIn && !wayOut) return null
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
    const way = { minStepDeg: cfg.wayMinStepDeg, maxWayMs: cfg.maxWayMs, maxGapMs: cfg.wayMaxGapMs }
    this.yaw = new AxisExcursion('turn_left', 'turn_right', cfg.holdMs, cfg.maxHoldMs, Infinity, cfg.maxRiseMs, way, -Infinity, cfg.maxReturnMs)
    this.pitch = new AxisExcursion('head_up', 'head_down', cfg.nodHoldMs, cfg.maxHoldMs, 1 + cfg.maxScaleChange, cfg.maxRiseMs, way, cfg.nodMinNoseShift, cfg.maxReturnMs)
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
    out[0] = this.yaw.update(o.t, dy, o.yaw, this.turnDeg, this.turnDeg, pitchRatio, o.eyeSpan, sb, NaN, pose.isAnchored)
    // head up (dp > 0) brings the nose tip closer to the eye line (dNose < 0)
    out[1] = this.pitch.update(o.t, dp, o.pitch, this.nodUpDeg, this.nodDownDeg, yawRatio, o.eyeSpan, sb, -pose.dNose, pose.isAnchored)
  }
}
