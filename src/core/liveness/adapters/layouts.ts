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
  /** The nose tip (Observation.noseDrop is measured from the eye line to it). */
  noseTip: number
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
  /**
   * The tracker's own jitter on a face that does not move (a photo held still), per feature, in the
   * units of the engine's quantised observations. The session (session/machine.ts) counts a change
   * as movement only beyond `stillNoiseMargin` (session config) times these.
   */
  stillNoise: StillNoise
}

/** Largest change of each feature between two frames of a still face (max - min over a still). */
export interface StillNoise {
  /** Mean eye aspect ratio of the two eyes. */
  ear: number
  /** Mouth opening ratio. */
  mouth: number
  /** Head angles, degrees (engine convention). */
  yawDeg: number
  pitchDeg: number
  rollDeg: number
  /** Face box centre, in face widths (x and y each). */
  centre: number
  /** Face box width, as a fraction of itself. */
  size: number
}

/** Human's measured still-face jitter (see MEDIAPIPE_478 below for how it was measured). */
const STILL_NOISE_MEDIAPIPE: StillNoise = {
  ear: 0.07,
  mouth: 0.08,
  yawDeg: 1.4,
  pitchDeg: 1.7,
  rollDeg: 1.4,
  centre: 0.027,
  size: 0.055,
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
  noseTip: 1,
  angle: { unit: 'rad', order: ['pitch', 'yaw', 'roll'], yawSign: -1, pitchSign: -1, rollSign: 1 },
  tuning: { turnDeg: 6, nodUpDeg: 6, nodDownDeg: 6 },
  /*
   * MEASURED (issue 11): Human 3.3.6 with the H5 tracker's configuration, wasm backend, on 6 stills of
   * the development clips (cap12@2 s, @10 s; cap13@5 s, @9 s; franck@3 s, @30 s; 400x300 and 360x288,
   * faces 0.4-0.65 of the frame width) x 80 frames, every frame shifted -1..1 px, +-1 luma noise and
   * re-encoded as JPEG (q 80-95):
   *   npx tsx scripts/liveness/measure-jitter.ts             (and again with --luma 6, the sensor noise
   *                                                          of the e2e's still camera)
   * largest range (max - min) over one still, +-1 luma / +-6 luma:
   *   ear (mean of both eyes) 0.068 / 0.066 (each eye alone 0.081 / 0.103), mouth 0.077 / 0.092,
   *   yaw 1.4 / 1.4 deg, pitch 1.7 / 2.5 deg, roll 1.1 / 2.0 deg,
   *   box centre x 0.025 / 0.020, y 0.026 / 0.027 face widths, box width 0.055 / 0.074.
   * 99th percentile of |value - the still's median|, +-1 luma: ear 0.031, mouth 0.038, yaw 0.9,
   * pitch 0.8, roll 0.5 deg, centre 0.011 / 0.014, width 0.038.
   * The values below are the +-1 luma ranges rounded up (roll: 1.4), and the session multiplies them by
   * stillNoiseMargin 1.2. The +-6 luma ranges were not taken: with them, a real person in a slowed-down
   * clip (cap13 at half speed, robustness.test.ts) sits "still" for more than 8 s. Phone cameras give the
   * face more pixels than these clips, so less jitter.
   */
  stillNoise: STILL_NOISE_MEDIAPIPE,
}

/**
 * WeChat VisionKit (106 points). WeChat documents neither the index layout nor the angle order/units.
 * Starting point = the common SenseTime/Face++-style 106 layout (WECHAT-FACTS §1.3): 0-32 contour,
 * 52-57 image-left eye (52 outer corner, 55 inner corner, 72/73 lid centres, 74 eye centre),
 * 58-63 image-right eye (58 inner, 61 outer, 75/76 lid centres, 77 centre), 84-95 outer lip,
 * 96-103 inner lip (96 and 100 corners, 97-99 upper, 101-103 lower), 104/105 pupils, 46 nose tip.
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
  noseTip: 46,
  angle: { unit: 'rad', order: ['pitch', 'yaw', 'roll'], yawSign: 1, pitchSign: 1, rollSign: 1 },
  tuning: { turnDeg: 8, nodUpDeg: 8, nodDownDeg: 8 },
  /*
   * UNCONFIRMED: VisionKit cannot be run here, so nothing was measured. These are Human's measured
   * values (above), on purpose: too SMALL a noise level only makes a still photo look "moved" (it then
   * fails by timeout, as before), whereas too LARGE a level could end a real, very still person early
   * with no_liveness. Human's values were measured on small faces (more jitter than a phone camera
   * gives) and Human compresses head angles (VisionKit is not known to), so real movement shows at
   * least as clearly in VisionKit's units. Measure on a phone (docs/liveness-calibration.md) and adjust.
   */
  stillNoise: STILL_NOISE_MEDIAPIPE,
}

export const LAYOUTS: Readonly<Record<string, LayoutTable>> = {
  [MEDIAPIPE_478.name]: MEDIAPIPE_478,
  [VISIONKIT_106.name]: VISIONKIT_106,
}

/**
 * Partial override of a layout; the nested `angle` object merges field by field. Head thresholds and
 * still-face noise are NOT overridden here but in the engine config (`detectors.head.turnDeg` ...,
 * session `stillNoise`), so that the backend, which replays with its own config, uses the same numbers.
 */
export interface LayoutOverrides {
  eyeImageLeft?: LayoutTable['eyeImageLeft']
  eyeImageRight?: LayoutTable['eyeImageRight']
  mouthCorners?: LayoutTable['mouthCorners']
  mouthPairs?: LayoutTable['mouthPairs']
  noseTip?: number
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
    stillNoise: base.stillNoise,
  }
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  const out: Partial<T> = {}
  for (const k of Object.keys(o) as (keyof T)[]) if (o[k] !== undefined) out[k] = o[k]
  return out
}
