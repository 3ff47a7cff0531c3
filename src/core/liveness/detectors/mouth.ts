/**
 * Mouth open = the inner-lip opening rises well above the person's resting level and is HELD
 * (holdMs), so speech, which opens the lips in short bursts, does not count.
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

  constructor(
    private readonly cfg: MouthConfig,
    private readonly warmupMs: number,
  ) {
    this.base = new RollingMedian(cfg.baselineMs)
  }

  abort(): void {
    this.open = false
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
    if (!this.open) {
      if (ready && m >= threshold) {
        this.open = true
        this.start = t
        this.last = t
        this.emitted = false
        this.peak = m
        this.peakT = t
      }
    } else if (m >= threshold * c.closeFrac) {
      if (m >= threshold) this.last = t
      if (m > this.peak) {
        this.peak = m
        this.peakT = t
      }
      if (!this.emitted && this.last - this.start >= c.holdMs && t - this.start >= c.maxHoldMs) {
        event = { action: 'mouth_open', startMs: this.start, endMs: this.last, peakMs: this.peakT }
        this.emitted = true
      }
    } else {
      if (!this.emitted && this.last - this.start >= c.holdMs) {
        event = { action: 'mouth_open', startMs: this.start, endMs: this.last, peakMs: this.peakT }
      }
      this.open = false
    }
    if (!this.open) this.base.push(t, m)
    return event
  }
}
