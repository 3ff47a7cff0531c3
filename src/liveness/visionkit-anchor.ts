/**
 * VisionKit's VKFaceAnchor -> a face-trace/1 face. Pure (no Taro), so the VisionKit stand-in
 * (scripts/visionkit-standin) reads its simulated answers exactly as the weapp adapter does.
 */
import type { TrackerFace } from '@/core/liveness/types'

/** What VisionKit reports per face (fields as documented; `angle` order/units undocumented). */
export interface VKFaceAnchorLike {
  origin?: { x: number; y: number }
  size?: { width: number; height: number }
  points?: { x: number; y: number }[]
  angle?: number[] | { pitch: number; yaw: number; roll: number }
  confidence?: number[] | number
}

/** One VisionKit anchor -> one face-trace/1 face (points flattened, box from origin/size). */
export function anchorToFace(a: VKFaceAnchorLike): TrackerFace {
  const pts = a.points ?? []
  const points = new Array<number>(pts.length * 2)
  for (let i = 0; i < pts.length; i++) {
    points[2 * i] = pts[i].x
    points[2 * i + 1] = pts[i].y
  }
  const conf = a.confidence
  const score = Array.isArray(conf) ? (conf.length ? conf.reduce((s, v) => s + v, 0) / conf.length : 1) : typeof conf === 'number' ? conf : 1
  const angle = Array.isArray(a.angle) ? a.angle.slice(0, 3) : a.angle ? { pitch: a.angle.pitch, yaw: a.angle.yaw, roll: a.angle.roll } : null
  return {
    box: [a.origin?.x ?? 0, a.origin?.y ?? 0, a.size?.width ?? 0, a.size?.height ?? 0],
    score,
    points,
    angle,
  }
}
