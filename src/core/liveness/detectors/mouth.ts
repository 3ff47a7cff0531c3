/**
 * Mouth open = the inner-lip opening rises well above the person's resting level and is HELD
 * (holdMs), so speech, which opens the lips in short bursts, does not count. The hold runs from where
 * the ratio crossed the threshold on the way in to where it crossed it on the way out, interpolated
 * between frames: at 15 fps with a long exposure a syllable's first and last frames are blends just
 * over the threshold, and crediting their whole intervals made a 270 ms syllable look held 333 ms.
 *
 * The jaw must also be seen on its way, in or out: between the last frame at rest and the first frame
 * near the widest opening (or back), within maxRampMs, one frame clearly in between — at least a step of
 * rampStepFrac of the opening (and rampMinStep) from both ends; a slower way (up to maxSlowRampMs)
 * must pass through levels at least such a step apart. A jaw takes 150-300 ms to open or close,
 * so even at 7.5 fps a camera nearly always catches it on its way on one of the two ways (often as the
 * first or last open frame, below the plateau). A photo swapped for another (a slideshow) jumps both ways:
 * its jitter is a small fraction of the opening, and a photo of half-open lips shown for a second is not
 * a jaw on its way. A gap between frames over rampMaxGapMs (dropped frames) may hide the way: it is not
 * required across one. The way back need not end at rest: a person who closes the mouth into speech
 * ("好了吗?") shows the jaw on its way from the widest opening to the frame where the opening ends
 * (at 6 fps the way in often falls between two frames, and the lips may not come to rest for seconds).
 */
import type { ActionEvent, Observation } from '../types'
import type { MouthConfig } from './config'
import { RollingMedian } from './rolling-median'
import { TimedRing } from './timed-ring'

/** Recent frames kept (about 3 s at 30 fps). */
const HISTORY = 96

export class MouthDetector {
  private readonly base: RollingMedian
  /** Recent frames (time, mouth ratio), for the jaw's way in and out. */
  private readonly recent = new TimedRing(HISTORY)
  private open = false
  private start = 0
  private last = 0
  private emitted = false
  private peak = 0
  private peakT = 0
  private firstT = NaN
  private prevT = NaN
  /** Threshold when the opening started; the rest level before it (time and value; NaN: none seen). */
  private thr0 = 0
  private restInT = NaN
  private restInM = NaN
  /** A gap over rampMaxGapMs around the opening's start or end (the way may be hidden). */
  private blindIn = false
  /** A held opening closed without its way in, onto a part-way frame: reported if the lips reach rest in time. */
  private waitingWayOut = false
  /**
   * The hold counts frames at or above the threshold without a break: a frame back in the hysteresis
   * band is a pause between syllables, and the hold starts again after it. Start of the current
   * stretch (with its gap credit), whether the last frame paused, and the longest stretch so far.
   */
  private stretchStart = 0
  private paused = false
  private heldMs = 0

  constructor(
    private readonly cfg: MouthConfig,
    private readonly warmupMs: number,
  ) {
    this.base = new RollingMedian(cfg.baselineMs)
  }

  abort(): void {
    this.open = false
    this.waitingWayOut = false
    this.recent.clear()
  }

  private opening(): ActionEvent {
    return { action: 'mouth_open', startMs: this.start, endMs: this.last, peakMs: this.peakT }
  }

  private held(): boolean {
    return this.heldMs >= this.cfg.holdMs
  }

  /** Step a frame on the way must keep from both ends, for an opening from `rest` to `peak`. */
  private stepFor(rest: number, peak: number): number {
    return Math.max(this.cfg.rampMinStep, this.cfg.rampStepFrac * (peak - rest))
  }

  /**
   * Between the rest frame at `restT` (value `restM`) and the first later frame near `peak`, a frame
   * clearly in between, all within maxRampMs (plus the frame interval). Frames are scanned oldest first.
   */
  private sawWayIn(restT: number, restM: number, peak: number): boolean {
    const step = this.stepFor(restM, peak)
    let lo = Infinity
    let hi = -Infinity
    const r = this.recent
    for (let k = r.size - 1; k >= 0; k--) {
      const t = r.timeAt(k)
      if (t <= restT) continue
      const v = r.valueAt(k)
      if (v >= peak - step) return this.isWay(lo, hi, step, t - restT)
      if (v - restM >= step) {
        if (v < lo) lo = v
        if (v > hi) hi = v
      }
    }
    return false
  }

  /**
   * Frames in between (lowest `lo`, highest `hi`) over a way of `ms`: one is enough for a quick way;
   * a slow way (an old person opening slowly, pausing half-way) must pass through levels at least a step
   * apart — a photo of half-open lips held there is one level.
   */
  private isWay(lo: number, hi: number, step: number, ms: number): boolean {
    const c = this.cfg
    if (!(hi >= lo)) return false
    if (ms <= c.maxRampMs + c.maxGapCreditMs) return true
    return ms <= c.maxSlowRampMs && hi - lo >= step
  }

  /** The same backwards: from the last frame near `peak` to the rest frame at `restT` (the newest frame). */
  private sawWayOut(restT: number, restM: number, peak: number): boolean {
    const step = this.stepFor(restM, peak)
    let lo = Infinity
    let hi = -Infinity
    const r = this.recent
    for (let k = 1; k < r.size; k++) {
      const v = r.valueAt(k)
      if (v >= peak - step) return this.isWay(lo, hi, step, restT - r.timeAt(k))
      if (v - restM >= step) {
        if (v < lo) lo = v
        if (v > hi) hi = v
      }
    }
    return false
  }

  update(o: Observation): ActionEvent | null {
    const m = o.mouth
    if (!Number.isFinite(m)) return null
    const t = o.t
    if (Number.isNaN(this.firstT)) this.firstT = t
    const c = this.cfg
    const b = this.base.median()
    const threshold = Number.isFinite(b) ? Math.max(c.openRatio, b + c.openAboveBaseline) : c.openRatio
    const ready = t - this.firstT >= this.warmupMs
    const rawGap = Number.isNaN(this.prevT) ? 0 : t - this.prevT
    const gap = Math.min(rawGap, c.maxGapCreditMs)
    const prevM = this.recent.size ? this.recent.valueAt(0) : NaN
    const blind = rawGap > c.rampMaxGapMs
    this.prevT = t
    this.recent.push(t, m)
    let event: ActionEvent | null = null

    if (!this.open) {
      if (ready && m >= threshold) {
        this.open = true
        this.last = t
        if (this.waitingWayOut) {
          // opened again before coming to rest: the same opening goes on (its start, rest and peak so far)
          this.waitingWayOut = false
        } else {
          this.start = t
          this.emitted = false
          this.peak = -Infinity
          this.thr0 = threshold
          this.blindIn = blind
          this.findRestIn(c.rampFrac * threshold)
          this.heldMs = 0
        }
        const credit = crossing(gap, prevM, m, threshold)
        this.stretchStart = t - credit
        this.paused = false
        this.heldMs = Math.max(this.heldMs, credit)
        if (m > this.peak) {
          this.peak = m
          this.peakT = t
        }
      } else if (this.waitingWayOut) {
        if (m < c.rampFrac * this.thr0) {
          this.waitingWayOut = false
          if (blind || this.sawWayOut(t, m, this.peak)) event = this.opening()
        } else if (t - this.last > c.maxSlowRampMs) {
          this.waitingWayOut = false
        }
      }
    } else {
      if (blind) this.blindIn = true
      if (m >= threshold) {
        if (this.paused) this.stretchStart = t - crossing(gap, prevM, m, threshold)
        this.paused = false
        this.last = t
        this.heldMs = Math.max(this.heldMs, t - this.stretchStart)
      } else {
        // the stretch ends between the last frame at or above the threshold and this one
        if (!this.paused) this.heldMs = Math.max(this.heldMs, this.last - this.stretchStart + crossing(gap, m, prevM, threshold))
        this.paused = true
      }
      if (m > this.peak) {
        this.peak = m
        this.peakT = t
      }
      if (m >= threshold * c.closeFrac) {
        if (!this.emitted && this.held() && t - this.start >= c.maxHoldMs && this.wayIn()) {
          event = this.opening()
          this.emitted = true
        }
      } else {
        this.open = false
        if (!this.emitted && this.held()) {
          if (this.wayIn() || blind || this.sawWayOut(t, m, this.peak)) event = this.opening()
          else if (m >= c.rampFrac * this.thr0) this.waitingWayOut = true
        }
      }
    }
    if (!this.open) this.base.push(t, m)
    return event
  }

  private wayIn(): boolean {
    if (this.blindIn) return true
    return !Number.isNaN(this.restInT) && this.sawWayIn(this.restInT, this.restInM, this.peak)
  }

  /** The last remembered frame at rest before the newest one (the opening's first frame). */
  private findRestIn(restLevel: number): void {
    this.restInT = NaN
    this.restInM = NaN
    const r = this.recent
    for (let k = 1; k < r.size; k++) {
      if (r.valueAt(k) < restLevel) {
        this.restInT = r.timeAt(k)
        this.restInM = r.valueAt(k)
        return
      }
    }
  }
}

/**
 * The part of a frame interval `gap` on the open side of `threshold`, between a frame at `outside`
 * and one at `inside` (linear in between): when the lips crossed it is not seen, only bracketed.
 */
function crossing(gap: number, outside: number, inside: number, threshold: number): number {
  if (!(inside > outside)) return gap
  return gap * Math.min(1, Math.max(0, (inside - threshold) / (inside - outside)))
}
