/**
 * All six detectors over one observation stream. Feed observations in time order; each call returns
 * the action events completed at that frame (usually none). Deterministic: same stream, same events.
 */
import type { ActionEvent, Observation } from '../types'
import { BlinkDetector } from './blink'
import type { DetectorConfig } from './config'
import { HeadDetector } from './head'
import { MouthDetector } from './mouth'
import { PoseTracker } from './pose'

export interface HeadTuning {
  turnDeg: number
  nodUpDeg: number
  nodDownDeg: number
}

export class DetectorBank {
  readonly pose: PoseTracker
  private readonly blink: BlinkDetector
  private readonly mouth: MouthDetector
  private readonly head: HeadDetector
  private readonly headOut: (ActionEvent | null)[] = [null, null]
  /** Events completed by the last update(); reused array, copy what you keep. */
  readonly events: ActionEvent[] = []
  private lastFaceT = NaN

  constructor(
    private readonly cfg: DetectorConfig,
    tuning: HeadTuning,
  ) {
    const turnDeg = cfg.head.turnDeg ?? tuning.turnDeg
    const nodUpDeg = cfg.head.nodUpDeg ?? tuning.nodUpDeg
    const nodDownDeg = cfg.head.nodDownDeg ?? tuning.nodDownDeg
    this.pose = new PoseTracker({
      turnDeg,
      nodUpDeg,
      nodDownDeg,
      baselineMs: cfg.head.baselineMs,
      centreMs: cfg.head.centreMs,
      staleMs: cfg.head.staleMs,
      warmupMs: cfg.warmupMs,
    })
    this.blink = new BlinkDetector(cfg.blink, cfg.warmupMs, turnDeg, nodDownDeg)
    this.mouth = new MouthDetector(cfg.mouth, cfg.warmupMs)
    this.head = new HeadDetector(cfg.head, turnDeg, nodUpDeg, nodDownDeg)
  }

  /** The session's positioning gate held the face frontal and steady just now: anchor the pose baseline there. */
  anchorFrontal(): void {
    this.pose.anchor()
    // excursions measured against the old baseline end here
    this.head.abort()
  }

  update(o: Observation): ActionEvent[] {
    const ev = this.events
    ev.length = 0
    if (o.faceCount === 0) return ev
    if (!Number.isNaN(this.lastFaceT) && o.t - this.lastFaceT > this.cfg.maxGapMs) {
      this.blink.abort()
      this.mouth.abort()
      this.head.abort()
    }
    this.lastFaceT = o.t
    this.pose.update(o)
    const b = this.blink.update(o, this.pose)
    if (b) ev.push(b)
    const m = this.mouth.update(o)
    if (m) ev.push(m)
    this.head.update(o, this.pose, this.headOut)
    if (this.headOut[0]) ev.push(this.headOut[0])
    if (this.headOut[1]) ev.push(this.headOut[1])
    return ev
  }
}
