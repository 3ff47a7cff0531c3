/**
 * Per-tracker landmark layouts: every index, sign and unit the adapters use, in one table per layout.
 * Override any field with `resolveLayout(name, overrides)` (for example after calibrating VisionKit on a phone).
 *
 * Eyes are given for an UNMIRRORED frame: `eyeImageLeft` is the eye on the image's left, which is the
 * person's own right eye; the normaliser swaps them for mirrored frames.
 * Each eye is 6 points [corner, upper, upper, corner, lower, lower], the first corner being the one
 * further to the image's left (so eyeImageLeft[0] and eyeImageRight[3] are the outer corners), for the classic EAR:
 * (|p1-p5| + |p2-p4|) / (2 |p0-p3|), pairs being (upper_i, lower_i) across the eye.
 */

export type AngleName = 'pitch' | 'yaw' | 'roll'

export interface LayoutTable {
  name: string
  /** Number of landmarks the tracker outputs (points array holds 2x this many numbers). */
  pointCount: number
  eyeImageLeft: readonly [number, number, number, number, number, number]
  eyeImageRight: readonly [number, number, number, number, number, number]
  /** Inner-lip corners and upper/lower pairs; opening = mean pair distance / corner distance. */
  mouthCorners: readonly [number, number]
  mouthPairs: readonly (readonly [number, number])[]
  angle: {
    unit: 'rad' | 'deg'
    /** Order of the three values when the tracker gives an array (VisionKit); ignored for objects. */
    order: readonly [AngleName, AngleName, AngleName]
    /**
     * Multipliers that turn the tracker's values, for an UNMIRRORED frame, into the engine convention:
     * yaw > 0 = person turns to their own left, pitch > 0 = head up, roll > 0 = tilt to own left shoulder.
     */
    yawSign: 1 | -1
    pitchSign: 1 | -1
    rollSign: 1 | -1
  }
  /**
   * Detector tuning that depends on the tracker (some trackers compress head angles).
   * Values are degrees of excursion from the person's own frontal baseline.
   */
  tuning: {
    turnDeg: number
    nodUpDeg: number
    nodDownDeg: number
  }
}

/**
 * @vladmandic/human (MediaPipe FaceMesh 468 + 10 iris points), angles in radians.
 * Measured on unmirrored clips: Human's yaw DEcreases when the person turns to their own left, and its
 * pitch DEcreases when the head goes up; its roll agrees with the eye-line tilt toward the person's left shoulder.
 * Human's angles are compressed: clear turns peak at only 7-12 deg, clear nods at 10-14 deg.
 */
export const MEDIAPIPE_478: LayoutTable = {
  name: 'mediapipe-478',
  pointCount: 478,
  eyeImageLeft: [33, 160, 158, 133, 153, 144],
  eyeImageRight: [362, 385, 387, 263, 373, 380],
  mouthCorners: [78, 308],
  mouthPairs: [
    [13, 14],
    [82, 87],
    [312, 317],
  ],
  angle: { unit: 'rad', order: ['pitch', 'yaw', 'roll'], yawSign: -1, pitchSign: -1, rollSign: 1 },
  tuning: { turnDeg: 6, nodUpDeg: 6, nodDownDeg: 6 },
}

/**
 * WeChat VisionKit (106 points). WeChat documents neither the index layout nor the angle order/units.
 * Starting point = the common SenseTime/Face++-style 106 layout (WECHAT-FACTS §1.3): 0-32 contour,
 * 52-57 image-left eye (52 outer corner, 55 inner corner, 72/73 lid centres, 74 eye centre),
 * 58-63 image-right eye (58 inner, 61 outer, 75/76 lid centres, 77 centre), 84-95 outer lip,
 * 96-103 inner lip (96 and 100 corners, 97-99 upper, 101-103 lower), 104/105 pupils.
 * Angles assumed [pitch, yaw, roll] in radians with one community report "左转 yaw 增大".
 * ALL OF THIS IS UNCONFIRMED: check it with the calibration page (docs/liveness-calibration.md) and override.
 */
export const VISIONKIT_106: LayoutTable = {
  name: 'visionkit-106',
  pointCount: 106,
  eyeImageLeft: [52, 53, 54, 55, 56, 57],
  eyeImageRight: [58, 59, 60, 61, 62, 63],
  mouthCorners: [96, 100],
  mouthPairs: [
    [97, 103],
    [98, 102],
    [99, 101],
  ],
  angle: { unit: 'rad', order: ['pitch', 'yaw', 'roll'], yawSign: 1, pitchSign: 1, rollSign: 1 },
  tuning: { turnDeg: 8, nodUpDeg: 8, nodDownDeg: 8 },
}

export const LAYOUTS: Readonly<Record<string, LayoutTable>> = {
  [MEDIAPIPE_478.name]: MEDIAPIPE_478,
  [VISIONKIT_106.name]: VISIONKIT_106,
}

/**
 * Partial override of a layout; the nested `angle` object merges field by field. Head thresholds are
 * NOT overridden here but in the engine config (`detectors.head.turnDeg` ...), so that the backend,
 * which replays with its own config, uses the same numbers.
 */
export interface LayoutOverrides {
  eyeImageLeft?: LayoutTable['eyeImageLeft']
  eyeImageRight?: LayoutTable['eyeImageRight']
  mouthCorners?: LayoutTable['mouthCorners']
  mouthPairs?: LayoutTable['mouthPairs']
  pointCount?: number
  angle?: Partial<LayoutTable['angle']>
}

/** The named layout merged with overrides, or undefined for an unknown name. */
export function resolveLayout(name: string, overrides?: LayoutOverrides): LayoutTable | undefined {
  const base = LAYOUTS[name]
  if (!base) return undefined
  if (!overrides) return base
  return {
    ...base,
    ...stripUndefined(overrides),
    name: base.name,
    angle: { ...base.angle, ...stripUndefined(overrides.angle ?? {}) },
    tuning: base.tuning,
  }
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  const out: Partial<T> = {}
  for (const k of Object.keys(o) as (keyof T)[]) if (o[k] !== undefined) out[k] = o[k]
  return out
}
