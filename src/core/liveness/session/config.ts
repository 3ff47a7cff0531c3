/** Session configuration: quality gates, time limits (generous: elderly users), tolerances. */
import type { StillNoise } from '../adapters/layouts'
import type { DetectorConfigInput } from '../detectors/config'

export interface SessionConfig {
  /** Faces scoring below this are ignored (not counted, never the subject). */
  minFaceScore: number
  positioning: {
    /** Guide box [x, y, w, h] normalised; the face box centre must be inside and the box mostly inside. */
    guideBox: readonly [number, number, number, number]
    /** Face box width / frame width. */
    minFaceSize: number
    maxFaceSize: number
    /** Absolute head angles allowed when "frontal" (deg, engine convention). */
    maxYawDeg: number
    maxPitchDeg: number
    /** Steady = over the last steadyMs the box centre moved < steadyMove (in face widths) and angles < steadyDeg. */
    steadyMs: number
    steadyMove: number
    steadyDeg: number
    /** Mean face luma (0-255) limits, checked when the frame gives luma. */
    minLuma: number
    maxLuma: number
    /** All gates must hold this long before the first action. */
    holdMs: number
  }
  /** Time allowed to get positioned. */
  positioningTimeoutMs: number
  /** Time allowed per action (per attempt). Never below 8 s for elderly users. */
  actionTimeoutMs: number
  /** Extra attempts per action after a timeout (the prompt is repeated; no restart). */
  actionRetries: number
  /** Whole session limit. */
  totalTimeoutMs: number
  /** No face this long after positioning fails the session. */
  faceLostMs: number
  /** Two or more faces this long (any phase) fails the session. */
  multipleFacesMs: number
  /** A coaching hint must persist this long before it is shown (no flicker). */
  hintDebounceMs: number
  /**
   * A still face (a photo held to the camera, or nobody doing anything): in the action phase, when for
   * stillWindowMs no feature of the face (each eye's and the mouth's ratio, yaw, pitch, roll, box centre
   * and size) moved further than stillNoiseMargin x the tracker's own still-face jitter (the layout's
   * `stillNoise`, layouts.ts) from where it was when that stretch began, and no action of any kind was
   * detected, the session ends with no_liveness. Real people blink, breathe and sway: on every real
   * clip (original, more/, lowfps/) the longest such stretch is well under this window.
   */
  stillWindowMs: number
  stillNoiseMargin: number
  /** Overrides of the layout's stillNoise (e.g. after measuring VisionKit on a phone). */
  stillNoise?: Partial<StillNoise>
  detectors?: DetectorConfigInput
}

export const DEFAULT_SESSION_CONFIG: SessionConfig = {
  minFaceScore: 0.5,
  positioning: {
    guideBox: [0.05, 0.05, 0.9, 0.9],
    minFaceSize: 0.18,
    maxFaceSize: 0.85,
    maxYawDeg: 15,
    maxPitchDeg: 15,
    steadyMs: 500,
    steadyMove: 0.15,
    steadyDeg: 5,
    minLuma: 50,
    maxLuma: 220,
    holdMs: 600,
  },
  positioningTimeoutMs: 30000,
  actionTimeoutMs: 15000,
  actionRetries: 1,
  totalTimeoutMs: 180000,
  faceLostMs: 3000,
  multipleFacesMs: 2000,
  hintDebounceMs: 300,
  stillWindowMs: 8000,
  stillNoiseMargin: 1.2,
}

export type SessionConfigInput = Partial<Omit<SessionConfig, 'positioning'>> & {
  positioning?: Partial<SessionConfig['positioning']>
}

export function resolveSessionConfig(input?: SessionConfigInput): SessionConfig {
  const d = DEFAULT_SESSION_CONFIG
  if (!input) return d
  return { ...d, ...defined(input), positioning: { ...d.positioning, ...defined(input.positioning ?? {}) } }
}

function defined<T extends object>(o: T): Partial<T> {
  const out: Partial<T> = {}
  for (const k of Object.keys(o) as (keyof T)[]) if (o[k] !== undefined) out[k] = o[k]
  return out
}
