/**
 * Shared types of the action-liveness engine. Pure data, no platform code.
 *
 * Angle convention of every Observation (whatever the tracker, whatever the preview mirroring):
 * - yaw   > 0: the person turns toward THEIR OWN left;
 * - pitch > 0: the head goes UP (chin raised);
 * - roll  > 0: the head tilts toward the person's own left shoulder.
 * All angles are in degrees.
 */

/** The six challenge actions. */
export type ActionName = 'blink' | 'mouth_open' | 'turn_left' | 'turn_right' | 'head_up' | 'head_down'

export const ACTION_NAMES: readonly ActionName[] = ['blink', 'mouth_open', 'turn_left', 'turn_right', 'head_up', 'head_down']

export function isActionName(value: unknown): value is ActionName {
  return typeof value === 'string' && (ACTION_NAMES as readonly string[]).includes(value)
}

/** One face as a tracker reports it; box and points are normalised by the frame width/height. */
export interface TrackerFace {
  box: readonly number[] // [x, y, w, h]
  score: number
  /** Flat [x0, y0, x1, y1, ...] normalised coordinates. */
  points: readonly number[]
  /**
   * Raw tracker angles, units and signs per layout: an object, or (VisionKit) an array in the
   * layout's `angle.order`.
   */
  angle?: { pitch: number; yaw: number; roll: number } | readonly number[] | null
}

/** One tracker frame (a face-trace/1 frame line). */
export interface TrackerFrame {
  /** Milliseconds since the start of the stream. */
  t: number
  faces: readonly TrackerFace[]
  /** Optional mean luma (0-255) of the face region, measured from the camera frame. */
  luma?: number
}

/**
 * Features of one frame, in tracker-independent units. Written in place by the adapters, so keep it flat.
 * When no subject face is present, faceCount is 0 and the face fields are NaN.
 */
export interface Observation {
  t: number
  /** Faces with score >= the adapter's minimum score. */
  faceCount: number
  /** Eye aspect ratio of the person's own left and right eye. */
  earLeft: number
  earRight: number
  /**
   * Upper lid of the person's own left / right eye: its height above the line through the eye's corners,
   * over the corners' distance. A blink brings the upper lid down; a smile or a squint raises the lower lid.
   */
  lidLeft: number
  lidRight: number
  /** Inner-lip opening divided by inner mouth width. */
  mouth: number
  yaw: number
  pitch: number
  roll: number
  /** Subject face box, normalised [0, 1] in the (unmirrored) frame coordinates. */
  boxX: number
  boxY: number
  boxW: number
  boxH: number
  /** Face size = box width as a fraction of the frame width. */
  faceSize: number
  /**
   * Distance between the outer eye corners as a fraction of the frame width. Tracks the distance to the
   * camera and, unlike the box, hardly changes when the head nods.
   */
  eyeSpan: number
  /**
   * How far the nose tip sits below the eye line, in eye spans. Lifting the head shortens it and lowering
   * it lengthens it (foreshortening), while expressions and the mouth hardly move it: the geometric check
   * on the tracker's pitch (Human's pitch also moves with expressions).
   */
  noseDrop: number
  /** Mean luma 0-255 of the face region when known, else NaN. */
  luma: number
}

export function emptyObservation(): Observation {
  return {
    t: 0,
    faceCount: 0,
    earLeft: NaN,
    earRight: NaN,
    lidLeft: NaN,
    lidRight: NaN,
    mouth: NaN,
    yaw: NaN,
    pitch: NaN,
    roll: NaN,
    boxX: NaN,
    boxY: NaN,
    boxW: NaN,
    boxH: NaN,
    faceSize: NaN,
    eyeSpan: NaN,
    noseDrop: NaN,
    luma: NaN,
  }
}

/**
 * One detected action, with the time of its first and last frame (inclusive) and of its most extreme
 * frame (deepest closure, widest opening, furthest turn): the moment evidence frames are taken.
 */
export interface ActionEvent {
  action: ActionName
  startMs: number
  endMs: number
  peakMs: number
}
