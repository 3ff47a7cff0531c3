/**
 * Mouth open = the inner-lip opening rises well above the person's resting level and is HELD
 * (holdMs), so speech, which opens the lips in short bursts, does not count. The lips must also be seen
 * part-way open on the way in or out: a jaw takes well over 100 ms to open, while a photo swapped for
 * another (a slideshow) jumps from closed to open in one frame.
 */
import type { ActionEvent, Observation } from '../types'
import type { MouthConfig } from './config'
import { RollingMedian } from './rolling-median'

export class MouthDetector {
  private readonly base: RollingMedian
  private open = false
  private start = 0
  private last = 0
  private emitted = false
  private peak = 0
  private peakT = 0
  private firstT = NaN
  private prevM = NaN
  private prevT = NaN
  /** Held so far: first to last frame at or above the threshold, plus the frame interval before the first. */
  private gapAtStart = 0
  /** A frame part-way open was seen on the way in (the jaw moves through the angles in between; a swapped photo jumps). */
  private rampIn = false
  private rampOut = false
  private thr0 = 0

  constructor(
    private readonly cfg: MouthConfig,
    private readonly warmupMs: number,
  ) {
    this.base = new RollingMedian(cfg.baselineMs)
  }

  abort(): void {
    this.open = false
  }

  private held(): boolean {
    return this.last - this.start + this.gapAtStart >= this.cfg.holdMs
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
    let event: ActionEvent | null = null
    const partway = (v: number): boolean => Number.isFinite(v) && v >= c.rampFrac * threshold && v < threshold
    if (!this.open) {
      if (ready && m >= threshold) {
        this.open = true
        this.start = t
        this.last = t
        this.emitted = false
        this.peak = m
        this.peakT = t
        this.thr0 = threshold
        this.gapAtStart = Number.isNaN(this.prevT) ? 0 : Math.min(t - this.prevT, c.maxGapCreditMs)
        this.rampIn = partway(this.prevM)
        this.rampOut = false
      }
    } else if (m >= threshold * c.closeFrac) {
      if (m >= threshold) {
        this.last = t
        this.rampOut = false
      } else {
        this.rampOut = true
      }
      if (m > this.peak) {
        this.peak = m
        this.peakT = t
      }
      if (!this.emitted && this.held() && this.rampIn && t - this.start >= c.maxHoldMs) {
        event = { action: 'mouth_open', startMs: this.start, endMs: this.last, peakMs: this.peakT }
        this.emitted = true
      }
    } else {
      if (m >= c.rampFrac * this.thr0) this.rampOut = true
      if (!this.emitted && this.held() && (this.rampIn || this.rampOut)) {
        event = { action: 'mouth_open', startMs: this.start, endMs: this.last, peakMs: this.peakT }
      }
      this.open = false
    }
    this.prevM = m
    this.prevT = t
    if (!this.open) this.base.push(t, m)
    return event
  }
}
