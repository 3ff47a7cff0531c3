/**
 * Blink = both eyes dip together, briefly, against each eye's own running open-EAR median, while the
 * rest of the face stays put.
 *
 * Why the rules are shaped this way (7.5-30 fps, blurred frames, uneven frame gaps):
 * - A camera frame lands somewhere inside a ~100-300 ms blink. At 25 fps one frame is within 20 ms of
 *   the lids' lowest point; at 10 fps it can be 50 ms off, and a blended (long-exposure) frame averages
 *   open and closed lids. So the depth the deepest frame must reach depends on the frame interval
 *   around it: `depthRatio` at `fastGapMs` or less, easing linearly to `slowDepthRatio` at `slowGapMs`.
 * - That depth is measured from where the eyes were just before the dip (the higher of the two frames
 *   before it, at most the open level), not only from the long-run open level: eyes that step down to a
 *   narrower level (a smile, a photo swapped for one with narrower eyes) with jitter on the first frame
 *   there have not closed.
 * - Small eyes in a small image are noisy (the tracker snaps points to whole pixels): the depth must
 *   also be `noiseFactor` times the person's own noise below open — the median deviation of their open
 *   frames from the open level (frame-to-frame differences instead missed the slow wander of a head
 *   that moves, and let blinks through on slideshows) — and each eye must dip beyond `eyeNoiseFactor`
 *   times it (a blink closes both eyes; a wink or noise moves one). A median of a frame or two is no
 *   measure of anything: until `minNoiseFrames` open frames have been seen (at 6 fps, most of a second)
 *   only a deep closure counts.
 * - What keeps shallow dips honest is shape, not depth: a blink is narrow — the time spent below half
 *   its depth is at most `maxHalfWidthMs` whatever the frame rate — and the mouth does not move and the
 *   head is not turning meanwhile — from the frame before the lids drop below half the dip's depth to
 *   the frame that shows them open again (at 10-15 fps a head swinging back from a turn makes the eye
 *   landmarks of one frame sag, a dip of one frame between two fast-moving ones). A frown or squint
 *   narrows the eyes slowly and stays narrow; talking moves the mouth. The mouth is watched from the last open
 *   frame to the reopening one: at 4-6 fps that is most of a second, and a mouth settling after speech moves
 *   further in that time, so the allowance is per `mouthWindowMs` of it (at 10 fps and above, unchanged).
 * - It is the upper lid that comes down: at the deepest frame each eye's upper lid must be `minLidDrop`
 *   below its own open height. A narrowing made by the lower lid (a smile, a squint) or by a tracker slip on
 *   a blurred frame that pulls one eye's contour together is not a blink, however deep its ratio.
 * - A deep closure (both eyes well shut, mean ratio <= `deepRatio`) is unmistakable and may last up
 *   to `maxClosedMs` (an old person asked to blink may squeeze the eyes shut for most of a second).
 */
import type { ActionEvent, Observation } from '../types'
import type { BlinkConfig } from './config'
import type { PoseTracker } from './pose'
import { RollingMedian } from './rolling-median'

const OPEN = 0
const DIP = 1
const TOO_LONG = 2
/** Frames of one dip kept for its shape (1 s at 60 fps). */
const DIP_FRAMES = 64

export class BlinkDetector {
  private readonly left: RollingMedian
  private readonly right: RollingMedian
  /** Each eye's open upper-lid height (Observation.lidLeft / lidRight). */
  private readonly lidLeft: RollingMedian
  private readonly lidRight: RollingMedian
  /** |ratio - 1| of open frames: the person's own EAR noise (tracker jitter, eye size in pixels). */
  private readonly noise: RollingMedian
  private readonly dipT = new Float64Array(DIP_FRAMES)
  private readonly dipR = new Float64Array(DIP_FRAMES)
  /** Head speed on each frame of the dip. */
  private readonly dipS = new Float64Array(DIP_FRAMES)
  private dipN = 0
  private state = OPEN
  private firstT = NaN
  private prevT = NaN
  /** Whether a fully open frame was seen since the last dip (a new dip needs one). */
  private openSince = false
  private dipStart = 0
  private dipLast = 0
  private minRatio = 1
  private minLeft = 1
  private minRight = 1
  /** The upper lids at the deepest frame, and their open heights when the dip began (NaN: not known). */
  private lidAtMinLeft = NaN
  private lidAtMinRight = NaN
  private lidOpenLeft = NaN
  private lidOpenRight = NaN
  private minT = 0
  private gapBeforeMin = 0
  private gapAfterMin = 0
  private minEar = 1
  private baseEar = 0
  private noiseAtStart = 0
  private noiseFrames = 0
  private mouthLo = Infinity
  private mouthHi = -Infinity
  private mouthBefore = NaN
  /** When the mouth was seen before the dip: the last open frame, and the one the dip's watch began from. */
  private mouthBeforeT = NaN
  private mouthFromT = 0
  private blocked = false
  /** Head speed on the last open frame before the dip and on the frame that shows the eyes open again. */
  private approachSpeed = 0
  private reopenSpeed = 0
  /** Head speed on the previous frame: the approach to a dip (the last open frame) must be steady too. */
  private prevSpeed = 0
  /** Mean ratio of the last two frames, and the eyes' level just before the dip (the higher of them, at most open). */
  private lastRatio = 1
  private lastRatio2 = 1
  private levelBefore = 1

  constructor(
    private readonly cfg: BlinkConfig,
    private readonly warmupMs: number,
    private readonly turnDeg: number,
    private readonly nodDownDeg: number,
  ) {
    this.left = new RollingMedian(cfg.baselineMs)
    this.right = new RollingMedian(cfg.baselineMs)
    this.lidLeft = new RollingMedian(cfg.baselineMs)
    this.lidRight = new RollingMedian(cfg.baselineMs)
    this.noise = new RollingMedian(cfg.baselineMs)
  }

  /** Abort a closure in progress (face lost). Baselines are kept. */
  abort(): void {
    this.state = OPEN
    this.openSince = false
  }

  /** Depth the deepest frame must reach, given the frame interval around it. */
  private depthFor(gapMs: number): number {
    const c = this.cfg
    if (gapMs <= c.fastGapMs) return c.depthRatio
    if (gapMs >= c.slowGapMs) return c.slowDepthRatio
    return c.depthRatio + ((c.slowDepthRatio - c.depthRatio) * (gapMs - c.fastGapMs)) / (c.slowGapMs - c.fastGapMs)
  }

  update(o: Observation, pose: PoseTracker): ActionEvent | null {
    const el = o.earLeft
    const er = o.earRight
    if (!Number.isFinite(el) || !Number.isFinite(er)) return null
    const t = o.t
    if (Number.isNaN(this.firstT)) this.firstT = t
    const gap = Number.isNaN(this.prevT) ? 0 : t - this.prevT
    this.prevT = t
    const c = this.cfg
    const bl = this.left.median()
    const br = this.right.median()
    const warm = t - this.firstT >= this.warmupMs && this.left.count >= 3 && (bl + br) / 2 >= c.minOpenEar
    const rl = warm ? el / bl : 1
    const rr = warm ? er / br : 1
    const ratio = warm ? (el + er) / (bl + br) : 1
    const mouth = o.mouth
    const poseBad = !pose.ready || Math.abs(pose.dYaw) > c.poseGateFrac * this.turnDeg || -pose.dPitch > c.poseGateFrac * this.nodDownDeg
    const closing = warm && ratio < c.closeRatio && rl < c.eyeRatio && rr < c.eyeRatio

    let event: ActionEvent | null = null
    if (this.state === OPEN && closing && this.openSince) {
      this.state = DIP
      this.dipStart = t
      this.dipLast = t
      this.dipN = 0
      this.minRatio = Infinity
      this.baseEar = (bl + br) / 2
      this.lidOpenLeft = this.lidLeft.median()
      this.lidOpenRight = this.lidRight.median()
      // (capped: a few frames of wide-open eyes after a laugh inflate it, and a blink must stay findable)
      this.noiseFrames = this.noise.count
      this.noiseAtStart = this.noise.count > 0 ? Math.min(this.noise.median(), c.maxNoise) : 0
      this.mouthLo = Infinity
      this.mouthHi = -Infinity
      this.noteMouth(this.mouthBefore)
      this.mouthFromT = Number.isFinite(this.mouthBeforeT) ? this.mouthBeforeT : t
      this.blocked = false
      this.approachSpeed = this.prevSpeed
      // (not below deepRatio: eyes that low were shut, not at a level)
      this.levelBefore = Math.min(1, Math.max(this.lastRatio, this.lastRatio2, c.deepRatio))
    }
    if (this.state === DIP) {
      // Reopened: back to open, or back up most of the way from the deepest frame (after a blink the
      // lids often stay a little lower for a while: talking, looking down, tired eyes) — a rise also well
      // beyond the person's noise, since jitter on half-closed eyes held still is not a reopening.
      const rebound = Math.max(c.reboundFrac * (c.reopenRatio - this.minRatio), c.reboundNoise * this.noiseAtStart)
      const reopened = ratio >= c.reopenRatio || (ratio >= this.minRatio + rebound && t > this.minT)
      if (!reopened) {
        if (ratio < this.minRatio) {
          this.minRatio = ratio
          this.minLeft = rl
          this.minRight = rr
          this.minT = t
          this.minEar = (el + er) / 2
          this.lidAtMinLeft = o.lidLeft
          this.lidAtMinRight = o.lidRight
          this.gapBeforeMin = gap
          this.gapAfterMin = NaN
        } else if (Number.isNaN(this.gapAfterMin)) {
          this.gapAfterMin = gap
        }
        if (this.dipN < DIP_FRAMES) {
          this.dipT[this.dipN] = t
          this.dipR[this.dipN] = ratio
          this.dipS[this.dipN] = pose.speed
          this.dipN++
        }
        this.dipLast = t
        this.noteMouth(mouth)
        if (poseBad || pose.yawSpeed > c.maxHeadSpeed) this.blocked = true
        if (t - this.dipStart > c.maxClosedMs) this.state = TOO_LONG
      } else {
        if (Number.isNaN(this.gapAfterMin)) this.gapAfterMin = gap
        this.noteMouth(mouth)
        this.reopenSpeed = pose.speed
        if (this.accept(t - this.mouthFromT)) event = { action: 'blink', startMs: this.dipStart, endMs: this.dipLast, peakMs: this.minT }
        this.state = OPEN
        this.openSince = false
      }
    } else if (this.state === TOO_LONG && ratio >= c.reopenRatio) {
      this.state = OPEN
    }
    this.prevSpeed = pose.speed
    this.lastRatio2 = this.lastRatio
    this.lastRatio = ratio
    const open = warm ? ratio >= c.reopenRatio : true
    if (this.state === OPEN && open) {
      this.openSince = true
      this.mouthBefore = mouth
      this.mouthBeforeT = t
    }
    // The open-eye baseline learns from open frames. A "closure" longer than any blink that is not
    // shut (squinting while talking, tired eyes, a new lighting) is the eyes' new resting shape: it is
    // learnt at once, so the baseline cannot stay stuck above the eyes and swallow the next blink.
    if (this.state === OPEN || (this.state === TOO_LONG && ratio > c.deepRatio)) {
      this.left.push(t, el)
      this.right.push(t, er)
      if (Number.isFinite(o.lidLeft) && Number.isFinite(o.lidRight)) {
        this.lidLeft.push(t, o.lidLeft)
        this.lidRight.push(t, o.lidRight)
      }
      if (warm && open) this.noise.push(t, Math.abs(ratio - 1))
    }
    return event
  }

  private noteMouth(m: number): void {
    if (!Number.isFinite(m)) return
    if (m < this.mouthLo) this.mouthLo = m
    if (m > this.mouthHi) this.mouthHi = m
  }

  /**
   * The head moved fast around the closure itself: from the frame before the lids drop below half the
   * dip's depth to the frame that shows them open again. Human's pitch also jumps when the lids close, so
   * this only counts against shallow dips (fast yaw blocks any dip). Frames of the dip before that —
   * eyes a little narrower than a stale open level while the head comes back from a nod — do not count.
   */
  private moving(): boolean {
    const max = this.cfg.maxHeadSpeed
    if (this.reopenSpeed > max) return true
    const i0 = this.firstBelowHalf()
    if (i0 === 0 && this.approachSpeed > max) return true
    for (let i = Math.max(0, i0 - 1); i < this.dipN; i++) if (this.dipS[i] > max) return true
    return false
  }

  /** Index of the dip's first kept frame below half its depth (dipN when none is). */
  private firstBelowHalf(): number {
    const mid = (1 + this.minRatio) / 2
    let i = 0
    while (i < this.dipN && this.dipR[i] >= mid) i++
    return i
  }

  /** Time between the first and the last frame of the dip below half its depth. */
  private halfWidth(): number {
    const first = this.firstBelowHalf()
    if (first === this.dipN) return 0
    const mid = (1 + this.minRatio) / 2
    let last = this.dipN - 1
    while (this.dipR[last] >= mid) last--
    return this.dipT[last] - this.dipT[first]
  }

  /**
   * Both upper lids came down at the deepest frame. A tracker that gives no lid heights (NaN) is not
   * held to it: the eye ratios alone decide, as before this check.
   */
  private upperLidsCameDown(): boolean {
    const keep = 1 - this.cfg.minLidDrop
    const known = (v: number) => Number.isFinite(v)
    if (!known(this.lidAtMinLeft) || !known(this.lidAtMinRight) || !known(this.lidOpenLeft) || !known(this.lidOpenRight)) return true
    return this.lidAtMinLeft <= keep * this.lidOpenLeft && this.lidAtMinRight <= keep * this.lidOpenRight
  }

  /** The dip that just ended (the eyes are open again): was it a blink? `mouthWindowMs`: how long the mouth was watched. */
  private accept(mouthWindowMs: number): boolean {
    const c = this.cfg
    if (this.blocked || this.baseEar - this.minEar < c.minDrop) return false
    const gap = Math.max(this.gapBeforeMin, this.gapAfterMin)
    // deep enough for the frame interval below where the eyes were just before, and well beyond the person's own noise
    if (this.minRatio / this.levelBefore > this.depthFor(gap)) return false
    if (this.minRatio > 1 - c.noiseFactor * this.noiseAtStart) return false
    // both eyes take part: each dips beyond the noise (one eye alone is a wink or tracker noise)
    const eyeNeed = Math.min(c.eyeRatio, 1 - c.eyeNoiseFactor * this.noiseAtStart)
    if (Math.max(this.minLeft, this.minRight) > eyeNeed) return false
    // ...and together: the lesser drop is a fair share of the greater (one eye narrowing is a glance or a wink)
    const dropL = 1 - this.minLeft
    const dropR = 1 - this.minRight
    if (Math.min(dropL, dropR) < c.minEyeBalance * Math.max(dropL, dropR)) return false
    if (!this.upperLidsCameDown()) return false
    if (this.minRatio <= c.deepRatio) return true
    // shallow dip: judged against a known noise level, narrow, with the head steady and the mouth still
    if (this.noiseFrames < c.minNoiseFrames) return false
    if (this.moving() || this.halfWidth() > c.maxHalfWidthMs) return false
    // (frames far apart watch the mouth for longer around the closure: the allowance grows with that time)
    return this.mouthHi - this.mouthLo <= c.maxMouthChange * Math.max(1, mouthWindowMs / c.mouthWindowMs)
  }
}
