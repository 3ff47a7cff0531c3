/**
 * Tracker frame -> Observation. Allocation-free: writes into a caller-owned Observation.
 * See types.ts for the angle convention and layouts.ts for the per-tracker tables.
 */
import type { Observation, TrackerFace, TrackerFrame } from '../types'
import type { LayoutTable } from './layouts'

export interface NormaliseOptions {
  layout: LayoutTable
  /** Frame width / height, so distances mixing x and y are measured in square pixels. */
  aspect: number
  /** True when the frames are mirrored (selfie preview); angles and eyes are then flipped. */
  mirrored: boolean
  /** Faces below this score are ignored (not counted, never the subject). */
  minFaceScore: number
}

const DEG_PER_RAD = 180 / Math.PI

/** Index of the highest-score face at or above minScore, or -1. Ties keep the first face. */
export function subjectIndex(faces: readonly TrackerFace[], minScore: number): number {
  let best = -1
  let bestScore = -Infinity
  for (let i = 0; i < faces.length; i++) {
    const s = faces[i].score
    if (s >= minScore && s > bestScore) {
      best = i
      bestScore = s
    }
  }
  return best
}

function dist(p: readonly number[], a: number, b: number, aspect: number): number {
  const dx = (p[2 * a] - p[2 * b]) * aspect
  const dy = p[2 * a + 1] - p[2 * b + 1]
  return Math.sqrt(dx * dx + dy * dy)
}

function eyeAspectRatio(p: readonly number[], e: LayoutTable['eyeImageLeft'], aspect: number): number {
  const width = dist(p, e[0], e[3], aspect)
  if (!(width > 0)) return NaN
  return (dist(p, e[1], e[5], aspect) + dist(p, e[2], e[4], aspect)) / (2 * width)
}

/** The upper lid's height above the corner line (its two points' mean), over the corner distance. */
function upperLid(p: readonly number[], e: LayoutTable['eyeImageLeft'], aspect: number): number {
  const x0 = p[2 * e[0]] * aspect
  const y0 = p[2 * e[0] + 1]
  const dx = p[2 * e[3]] * aspect - x0
  const dy = p[2 * e[3] + 1] - y0
  const width2 = dx * dx + dy * dy
  if (!(width2 > 0)) return NaN
  const ux = (p[2 * e[1]] + p[2 * e[2]]) * 0.5 * aspect - x0
  const uy = (p[2 * e[1] + 1] + p[2 * e[2] + 1]) * 0.5 - y0
  return Math.abs(ux * dy - uy * dx) / width2
}

function mouthOpening(p: readonly number[], layout: LayoutTable, aspect: number): number {
  const width = dist(p, layout.mouthCorners[0], layout.mouthCorners[1], aspect)
  if (!(width > 0)) return NaN
  let sum = 0
  const pairs = layout.mouthPairs
  for (let i = 0; i < pairs.length; i++) sum += dist(p, pairs[i][0], pairs[i][1], aspect)
  return sum / (pairs.length * width)
}

/** Nose tip below the line through the four eye corners, in eye spans (distances in frame heights). */
function noseDrop(p: readonly number[], layout: LayoutTable, aspect: number): number {
  const l = layout.eyeImageLeft
  const r = layout.eyeImageRight
  const span = dist(p, l[0], r[3], aspect)
  if (!(span > 0)) return NaN
  const eyeY = (p[2 * l[0] + 1] + p[2 * l[3] + 1] + p[2 * r[0] + 1] + p[2 * r[3] + 1]) / 4
  return (p[2 * layout.noseTip + 1] - eyeY) / span
}

function readAngle(face: TrackerFace, layout: LayoutTable, which: 'pitch' | 'yaw' | 'roll'): number {
  const a = face.angle
  if (a == null) return NaN
  let v: number
  if (Array.isArray(a)) {
    const idx = layout.angle.order.indexOf(which)
    v = (a as readonly number[])[idx]
  } else {
    v = (a as { pitch: number; yaw: number; roll: number })[which]
  }
  if (typeof v !== 'number' || !Number.isFinite(v)) return NaN
  return layout.angle.unit === 'rad' ? v * DEG_PER_RAD : v
}

function clearFace(out: Observation): void {
  out.earLeft = NaN
  out.earRight = NaN
  out.lidLeft = NaN
  out.lidRight = NaN
  out.mouth = NaN
  out.yaw = NaN
  out.pitch = NaN
  out.roll = NaN
  out.boxX = NaN
  out.boxY = NaN
  out.boxW = NaN
  out.boxH = NaN
  out.faceSize = NaN
  out.eyeSpan = NaN
  out.noseDrop = NaN
}

/** Fill `out` from one tracker frame and return it. */
export function normaliseFrame(frame: TrackerFrame, opts: NormaliseOptions, out: Observation): Observation {
  const { layout, aspect, mirrored, minFaceScore } = opts
  out.t = frame.t
  out.luma = typeof frame.luma === 'number' && Number.isFinite(frame.luma) ? frame.luma : NaN
  const faces = frame.faces
  let count = 0
  for (let i = 0; i < faces.length; i++) if (faces[i].score >= minFaceScore) count++
  out.faceCount = count
  const si = subjectIndex(faces, minFaceScore)
  if (si < 0) {
    clearFace(out)
    return out
  }
  const face = faces[si]
  const p = face.points
  if (p.length >= 2 * layout.pointCount) {
    const imageLeft = eyeAspectRatio(p, layout.eyeImageLeft, aspect)
    const imageRight = eyeAspectRatio(p, layout.eyeImageRight, aspect)
    // Unmirrored: the image-left eye is the person's right eye.
    out.earRight = mirrored ? imageRight : imageLeft
    out.earLeft = mirrored ? imageLeft : imageRight
    const lidImageLeft = upperLid(p, layout.eyeImageLeft, aspect)
    const lidImageRight = upperLid(p, layout.eyeImageRight, aspect)
    out.lidRight = mirrored ? lidImageRight : lidImageLeft
    out.lidLeft = mirrored ? lidImageLeft : lidImageRight
    out.mouth = mouthOpening(p, layout, aspect)
    // outer corners: the image-leftmost point of the left eye, the image-rightmost of the right eye
    out.eyeSpan = dist(p, layout.eyeImageLeft[0], layout.eyeImageRight[3], aspect) / aspect
    out.noseDrop = noseDrop(p, layout, aspect)
  } else {
    out.earLeft = NaN
    out.earRight = NaN
    out.lidLeft = NaN
    out.lidRight = NaN
    out.mouth = NaN
    out.eyeSpan = NaN
    out.noseDrop = NaN
  }
  const flip = mirrored ? -1 : 1
  out.yaw = readAngle(face, layout, 'yaw') * layout.angle.yawSign * flip
  out.pitch = readAngle(face, layout, 'pitch') * layout.angle.pitchSign
  out.roll = readAngle(face, layout, 'roll') * layout.angle.rollSign * flip
  const b = face.box
  out.boxX = b[0]
  out.boxY = b[1]
  out.boxW = b[2]
  out.boxH = b[3]
  out.faceSize = b[2]
  return out
}
