/**
 * A VisionKit stand-in made from recorded faces: turns face-trace/1 frames of the 478-point Human mesh
 * into what `VKSession.detectFace` reports through `updateAnchors` (WECHAT-FACTS §1.2-1.3): per face
 * `origin`/`size` in [0, 1], 106 `points` {x, y} in the common layout (correspondence.ts), an `angle`
 * array and a per-point `confidence` array.
 *
 * Everything WeChat leaves undocumented is an option, so a test can play a phone that does it either way:
 *  - mirroring (the camera frame is a selfie flip of the scene),
 *  - the angle array's order, unit and signs,
 *  - which camera frames reach detectFace (every Nth) and frames where the detector finds no face.
 * Defaults are what the app assumes today (the `visionkit-106` table; weapp-source says unmirrored).
 *
 * Pure: no wx, no Taro, no file system (read traces with scripts/liveness/trace-io.ts).
 */
import { MEDIAPIPE_478, VISIONKIT_106, type AngleName, type LayoutTable } from '../../src/core/liveness/adapters/layouts'
import type { TrackerFace, TrackerFrame } from '../../src/core/liveness/types'
import { anchorToFace } from '../../src/liveness/visionkit-anchor'
import { meshTo106, mirror106 } from './correspondence'

/** One face as VisionKit's VKFaceAnchor documents it (WECHAT-FACTS §1.3). */
export interface VKFaceAnchor {
  id: number
  /** 3 = 人脸 */
  type: 3
  detectId: number
  origin: { x: number; y: number }
  size: { width: number; height: number }
  points: { x: number; y: number }[]
  angle: number[]
  confidence: number[]
}

/** How the simulated VisionKit writes its angle array (the same fields as a layout table's `angle`). */
export type AngleConvention = LayoutTable['angle']

export interface StandinOptions {
  /** The camera frame is mirrored (selfie flip): x -> 1 - x, left/right points swap, yaw and roll flip. */
  mirrored?: boolean
  /** Order, unit and signs of the angle array (default: the `visionkit-106` table's assumption). */
  angle?: Partial<AngleConvention>
  /** Faces scoring below this are not reported (detectFace's scoreThreshold, default 0.8). */
  scoreThreshold?: number
  /** Frame width / height of the recording (for arc-length resampling of the contour). */
  aspect?: number
}

const DEG_PER_RAD = 180 / Math.PI

/** A face's head angles in the engine convention (degrees; yaw > 0 own left, pitch > 0 up, roll > 0 own left shoulder). */
export function engineAngles(face: TrackerFace, layout: LayoutTable = MEDIAPIPE_478): Record<AngleName, number> | null {
  const a = face.angle
  if (a == null) return null
  const pick = (n: AngleName) => {
    const v = Array.isArray(a) ? (a as readonly number[])[layout.angle.order.indexOf(n)] : (a as Record<AngleName, number>)[n]
    return layout.angle.unit === 'rad' ? v * DEG_PER_RAD : v
  }
  return { pitch: pick('pitch') * layout.angle.pitchSign, yaw: pick('yaw') * layout.angle.yawSign, roll: pick('roll') * layout.angle.rollSign }
}

/** Engine-convention degrees (for an unmirrored frame) -> the array a tracker with `conv` reports. */
export function toAngleArray(deg: Record<AngleName, number>, conv: AngleConvention, mirrored: boolean): number[] {
  const flip = mirrored ? -1 : 1
  const raw: Record<AngleName, number> = {
    pitch: deg.pitch * conv.pitchSign,
    yaw: deg.yaw * conv.yawSign * flip,
    roll: deg.roll * conv.rollSign * flip,
  }
  return conv.order.map((n) => (conv.unit === 'rad' ? raw[n] / DEG_PER_RAD : raw[n]))
}

export function resolveConvention(angle?: Partial<AngleConvention>): AngleConvention {
  return { ...VISIONKIT_106.angle, ...(angle ?? {}) }
}

/** One Human face -> one VKFaceAnchor (or null when its score is below the threshold). */
export function faceToAnchor(face: TrackerFace, opts: StandinOptions = {}, ids = { id: 1, detectId: 1 }): VKFaceAnchor | null {
  if (face.score < (opts.scoreThreshold ?? 0.8)) return null
  let pts = meshTo106(face.points, opts.aspect ?? 1)
  const [bx, by, bw, bh] = face.box
  const mirrored = opts.mirrored === true
  if (mirrored) pts = mirror106(pts)
  const points = new Array<{ x: number; y: number }>(106)
  for (let i = 0; i < 106; i++) points[i] = { x: pts[2 * i], y: pts[2 * i + 1] }
  const deg = engineAngles(face) ?? { pitch: 0, yaw: 0, roll: 0 }
  return {
    id: ids.id,
    type: 3,
    detectId: ids.detectId,
    origin: { x: mirrored ? 1 - bx - bw : bx, y: by },
    size: { width: bw, height: bh },
    points,
    angle: toAngleArray(deg, resolveConvention(opts.angle), mirrored),
    confidence: new Array<number>(106).fill(face.score),
  }
}

/** What one detectFace call makes VisionKit say: updateAnchors with the faces, or removeAnchors when none. */
export type VKAnswer = { event: 'updateAnchors'; anchors: VKFaceAnchor[] } | { event: 'removeAnchors' }

/** The answer for one recorded frame (`noFace` forces a frame where the detector finds nothing). */
export function answerFor(frame: TrackerFrame, opts: StandinOptions = {}, noFace = false, detectId = 1): VKAnswer {
  if (noFace) return { event: 'removeAnchors' }
  const anchors: VKFaceAnchor[] = []
  frame.faces.forEach((f, i) => {
    const a = faceToAnchor(f, opts, { id: i + 1, detectId })
    if (a) anchors.push(a)
  })
  return anchors.length ? { event: 'updateAnchors', anchors } : { event: 'removeAnchors' }
}

export interface ClipOptions extends StandinOptions {
  /** Only every Nth recorded frame reaches detectFace (the phone's own decimation), default 1. */
  everyNth?: number
  /** Recorded-frame indices (before decimation) where the detector finds no face. */
  noFace?: (index: number, t: number) => boolean
}

/** A frame as the app's adapter turns an answer into one (src/liveness/visionkit.ts anchorToFace). */
export interface StandinFrame {
  /** Index of the recorded frame. */
  index: number
  t: number
  answer: VKAnswer
}

/** The recorded frames that reach detectFace (every Nth, from the first) with VisionKit's answer to each. */
export function standinClip(frames: readonly TrackerFrame[], opts: ClipOptions = {}): StandinFrame[] {
  const n = Math.max(1, Math.floor(opts.everyNth ?? 1))
  const out: StandinFrame[] = []
  for (let i = 0; i < frames.length; i += n) {
    const f = frames[i]
    out.push({ index: i, t: f.t, answer: answerFor(f, opts, opts.noFace?.(i, f.t) ?? false, out.length + 1) })
  }
  return out
}

/** The app's reading of an answer (src/liveness/visionkit-anchor.ts, as the weapp adapter does it). */
export function answerToTrackerFrame(t: number, answer: VKAnswer): TrackerFrame {
  return { t, faces: answer.event === 'removeAnchors' ? [] : answer.anchors.map(anchorToFace) }
}
