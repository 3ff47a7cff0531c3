/**
 * Human's face results → face-trace/1 faces (the same mapping as ../shared/liveness/tools/trace.js,
 * without its 4-decimal rounding): box and points divided by the analysed frame's width/height,
 * points flattened to [x0, y0, x1, y1, ...] (2-D only), angles in radians exactly as Human reports them.
 */
import type { TrackerFace } from '@/core/liveness/types'

/** The part of Human's FaceResult this module reads. */
export interface HumanFaceLike {
  box: readonly number[]
  score: number
  mesh: ReadonlyArray<readonly [number, number, number?]> | ReadonlyArray<readonly number[]>
  rotation?: { angle?: { pitch: number; yaw: number; roll: number } | null } | null
}

export function toTrackerFace(f: HumanFaceLike, width: number, height: number): TrackerFace {
  const mesh = f.mesh ?? []
  const n = mesh.length
  // One array per face per frame: the engine reads it synchronously, but a consumer may keep frames.
  const points = new Array<number>(n * 2)
  const sx = 1 / width
  const sy = 1 / height
  for (let k = 0; k < n; k++) {
    const p = mesh[k]
    points[2 * k] = p[0] * sx
    points[2 * k + 1] = p[1] * sy
  }
  const a = f.rotation?.angle
  return {
    box: [f.box[0] * sx, f.box[1] * sy, f.box[2] * sx, f.box[3] * sy],
    score: f.score,
    points,
    angle: a ? { pitch: a.pitch, yaw: a.yaw, roll: a.roll } : null,
  }
}

export function toTrackerFaces(faces: readonly HumanFaceLike[], width: number, height: number): TrackerFace[] {
  const out: TrackerFace[] = []
  // Every face is kept, as in the traces (the engine counts faces for its "one person only" check).
  for (let i = 0; i < faces.length; i++) out.push(toTrackerFace(faces[i], width, height))
  return out
}

/** Mean BT.601 luma (0-255, rounded) of RGBA pixels, as src/liveness/visionkit.ts#boxLuma computes it. */
export function meanLuma(rgba: Uint8ClampedArray | Uint8Array): number {
  let sum = 0
  const n = rgba.length >> 2
  for (let k = 0; k < rgba.length; k += 4) sum += 0.299 * rgba[k] + 0.587 * rgba[k + 1] + 0.114 * rgba[k + 2]
  return n ? Math.round(sum / n) : NaN
}
