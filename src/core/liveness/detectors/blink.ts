/**
 * Blink = open -> closed -> open, against each eye's own running open-EAR median.
 * Both eyes must drop (one-eye dips are tracker noise or a wink), the closure must be short, and it
 * must happen while the head is near frontal, not pitched down and not moving fast (looking down at
 * the phone and fast turns both squash the eyes' outline).
 */
import type { ActionEvent, Observation } from '../types'
import type { BlinkConfig } from './config'
import type { PoseTracker } from './pose'
import { RollingMedian } from './rolling-median'

const OPEN = 0
const CLOSED = 1
const TOO_LONG = 2

export class BlinkDetector {
  private readonly left: RollingMedian
  private readonly right: RollingMedian
  private state = OPEN
  private start = 0
  private lastClosed = 0
  private minRatio = 1
  private minEar = 1
  private minT = 0
  private baseEar = 0
  private blocked = false
  private firstT = NaN

  constructor(
    private readonly cfg: BlinkConfig,
    private readonly warmupMs: number,
    private readonly turnDeg: number,
    private readonly nodDownDeg: number,
  ) {
    this.left = new RollingMedian(cfg.baselineMs)
    this.right = new RollingMedian(cfg.baselineMs)
  }

  /** Abort a closure in progress (face lost). Baselines are kept. */
  abort(): void {
    this.state = OPEN
  }

  update(o: Observation, pose: PoseTracker): ActionEvent | null {
    const el = o.earLeft
    const er = o.earRight
    if (!Number.isFinite(el) || !Number.isFinite(er)) return null
    const t = o.t
    if (Number.isNaN(this.firstT)) this.firstT = t
    const c = this.cfg
    const bl = this.left.median()
    const br = this.right.median()
    const warm = t - this.firstT >= this.warmupMs && this.left.count >= 3
    let ratio = 1
    let eyesDown = false
    if (warm && (bl + br) / 2 >= c.minOpenEar) {
      ratio = (el + er) / (bl + br)
      eyesDown = el < c.eyeRatio * bl && er < c.eyeRatio * br
    }
    const poseBad =
      !pose.ready ||
      Math.abs(pose.dYaw) > c.poseGateFrac * this.turnDeg ||
      -pose.dPitch > c.poseGateFrac * this.nodDownDeg ||
      pose.speed > c.maxHeadSpeed

    let event: ActionEvent | null = null
    if (this.state === OPEN) {
      if (warm && ratio < c.closeRatio && eyesDown) {
        this.state = CLOSED
        this.start = t
        this.lastClosed = t
        this.minRatio = ratio
        this.minEar = (el + er) / 2
        this.minT = t
        this.baseEar = (bl + br) / 2
        this.blocked = poseBad
      }
    } else if (ratio < c.reopenRatio) {
      if (this.state === CLOSED) {
        if (ratio < this.minRatio) {
          this.minRatio = ratio
          this.minEar = (el + er) / 2
          this.minT = t
        }
        this.lastClosed = t
        if (poseBad) this.blocked = true
        if (t - this.start > c.maxClosedMs) this.state = TOO_LONG
      }
    } else {
      // reopened
      if (this.state === CLOSED && !this.blocked && this.minRatio <= c.depthRatio && this.baseEar - this.minEar >= c.minDrop) {
        event = { action: 'blink', startMs: this.start, endMs: this.lastClosed, peakMs: this.minT }
      }
      this.state = OPEN
    }
    // The open-eye baseline learns from open frames; after a very long "closure" (the eyes' resting
    // shape changed) it learns again so it cannot stay stuck.
    if (this.state === OPEN || (this.state === TOO_LONG && t - this.start > 2 * c.baselineMs)) {
      this.left.push(t, el)
      this.right.push(t, er)
    }
    return event
  }
}
