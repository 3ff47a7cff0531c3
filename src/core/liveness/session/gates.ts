/**
 * Quality gates checked while positioning (and partly during actions): exactly one face, inside the
 * guide box, big enough but not too big, light neither too dark nor too bright, frontal, steady.
 * Returns the most important coaching hint, or null when every gate passes.
 */
import type { Observation } from '../types'
import type { SessionConfig } from './config'
import type { HintCode } from './texts'

const CAP = 64

export class GateChecker {
  private readonly t = new Float64Array(CAP)
  private readonly cx = new Float64Array(CAP)
  private readonly cy = new Float64Array(CAP)
  private readonly yaw = new Float64Array(CAP)
  private readonly pitch = new Float64Array(CAP)
  private head = 0
  private n = 0

  constructor(private readonly cfg: SessionConfig) {}

  /** Record the face position (call once per frame with a face). */
  track(o: Observation): void {
    const i = this.head
    this.t[i] = o.t
    this.cx[i] = o.boxX + o.boxW / 2
    this.cy[i] = o.boxY + o.boxH / 2
    this.yaw[i] = o.yaw
    this.pitch[i] = o.pitch
    this.head = (i + 1) % CAP
    if (this.n < CAP) this.n++
  }

  /** Hints that matter in every phase: people, framing, size, light. */
  basicHint(o: Observation): HintCode | null {
    const p = this.cfg.positioning
    if (o.faceCount > 1) return 'others_leave'
    if (o.faceCount === 0) return 'into_frame'
    if (Number.isFinite(o.luma)) {
      if (o.luma < p.minLuma) return 'too_dark'
      if (o.luma > p.maxLuma) return 'too_bright'
    }
    const [gx, gy, gw, gh] = p.guideBox
    const cx = o.boxX + o.boxW / 2
    const cy = o.boxY + o.boxH / 2
    const inside = cx >= gx && cx <= gx + gw && cy >= gy && cy <= gy + gh
    // at most a quarter of the face width may stick out on each side
    const slackX = o.boxW / 4
    const slackY = o.boxH / 4
    const fits =
      o.boxX >= gx - slackX && o.boxX + o.boxW <= gx + gw + slackX && o.boxY >= gy - slackY && o.boxY + o.boxH <= gy + gh + slackY
    if (o.faceSize > p.maxFaceSize) return 'move_back'
    if (!inside || !fits) return 'into_frame'
    if (!(o.faceSize >= p.minFaceSize)) return 'move_closer'
    return null
  }

  /** Full positioning check: basic gates, then frontal, then steady. */
  positionHint(o: Observation): HintCode | null {
    const basic = this.basicHint(o)
    if (basic) return basic
    const p = this.cfg.positioning
    if (!(Math.abs(o.yaw) <= p.maxYawDeg) || !(Math.abs(o.pitch) <= p.maxPitchDeg)) return 'face_screen'
    if (!this.steady(o.t, o.faceSize)) return 'hold_still'
    return null
  }

  private steady(now: number, faceSize: number): boolean {
    const p = this.cfg.positioning
    let minX = Infinity
    let maxX = -Infinity
    let minY = Infinity
    let maxY = -Infinity
    let minYaw = Infinity
    let maxYaw = -Infinity
    let minP = Infinity
    let maxP = -Infinity
    for (let k = 0; k < this.n; k++) {
      const i = (this.head - 1 - k + 2 * CAP) % CAP
      if (this.t[i] < now - p.steadyMs) break
      if (this.cx[i] < minX) minX = this.cx[i]
      if (this.cx[i] > maxX) maxX = this.cx[i]
      if (this.cy[i] < minY) minY = this.cy[i]
      if (this.cy[i] > maxY) maxY = this.cy[i]
      if (this.yaw[i] < minYaw) minYaw = this.yaw[i]
      if (this.yaw[i] > maxYaw) maxYaw = this.yaw[i]
      if (this.pitch[i] < minP) minP = this.pitch[i]
      if (this.pitch[i] > maxP) maxP = this.pitch[i]
    }
    if (minX === Infinity) return false
    const move = Math.max(maxX - minX, maxY - minY) / (faceSize > 0 ? faceSize : 1)
    return move < p.steadyMove && maxYaw - minYaw < p.steadyDeg && maxP - minP < p.steadyDeg
  }
}
