/**
 * Synthetic attack controls made from a real clip's frames (pure), shared by the tests and the
 * evaluation CLI: a still photo held in front of the camera, and a slideshow of a few photos.
 * Neither must ever pass a session.
 */
import { mulberry32 } from './resample'
import type { TrackerFace, TrackerFrame } from './types'

/** Tracker-like jitter: points ±point, angles ±angle (radians, Human's unit), box ±box; uniform. */
export interface ControlNoise {
  point: number
  angle: number
  box: number
}

export const DEFAULT_CONTROL_NOISE: ControlNoise = { point: 0.0015, angle: 0.005, box: 0.002 }

/** Deterministic PRNG (mulberry32), uniform in [0, 1). */
export const rng = mulberry32

function subject(frame: TrackerFrame): TrackerFace {
  return frame.faces.reduce((a, b) => (a.score >= b.score ? a : b))
}

/** Same draw order as the original test helper (box, points, then pitch, yaw, roll), so seeds give the same frames. */
function jittered(face: TrackerFace, u: (k: number) => number, noise: ControlNoise): TrackerFace {
  const box = face.box.map((v) => v + u(noise.box))
  const points = face.points.map((v) => v + u(noise.point))
  const a = face.angle
  let angle: TrackerFace['angle'] = a
  if (Array.isArray(a)) angle = a.map((v) => v + u(noise.angle))
  else if (a) {
    const o = a as { pitch: number; yaw: number; roll: number }
    angle = { pitch: o.pitch + u(noise.angle), yaw: o.yaw + u(noise.angle), roll: o.roll + u(noise.angle) }
  }
  return { score: face.score, box, points, angle }
}

/**
 * A still photo in front of the camera: the subject face (highest score) of one frame repeated for `ms`
 * at `fps`, with tracker-like jitter. t starts at 0 (whole ms).
 */
export function stillPhoto(frame: TrackerFrame, ms: number, fps: number, seed: number, noise: ControlNoise = DEFAULT_CONTROL_NOISE): TrackerFrame[] {
  const r = rng(seed)
  const u = (k: number) => (r() * 2 - 1) * k
  const face = subject(frame)
  const out: TrackerFrame[] = []
  for (let t = 0; t <= ms; t += 1000 / fps) out.push({ t: Math.round(t), faces: [jittered(face, u, noise)] })
  return out
}

/**
 * A slideshow: the subject faces of `photos` shown in turn, each for `dwellMs`, cycling for `ms` at `fps`,
 * with the same tracker-like jitter as stillPhoto. t starts at 0 (whole ms).
 */
export function slideshow(
  photos: readonly TrackerFrame[],
  ms: number,
  fps: number,
  seed: number,
  dwellMs = 1000,
  noise: ControlNoise = DEFAULT_CONTROL_NOISE,
): TrackerFrame[] {
  const faces = photos.map(subject)
  const r = rng(seed)
  const u = (k: number) => (r() * 2 - 1) * k
  const out: TrackerFrame[] = []
  for (let t = 0; t <= ms; t += 1000 / fps) {
    const face = faces[Math.floor(t / dwellMs + 1e-9) % faces.length]
    out.push({ t: Math.round(t), faces: [jittered(face, u, noise)] })
  }
  return out
}

/** Frames of a clip that have a face, picked evenly: the k-th of `count` at (k+1)/(count+1) of the clip. */
export function pickFaceFrames(frames: readonly TrackerFrame[], count: number): TrackerFrame[] {
  const withFace = frames.filter((f) => f.faces.length > 0)
  if (withFace.length === 0) return []
  const out: TrackerFrame[] = []
  for (let k = 0; k < count; k++) out.push(withFace[Math.min(withFace.length - 1, Math.floor((withFace.length * (k + 1)) / (count + 1)))])
  return out
}
