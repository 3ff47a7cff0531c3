/**
 * Detector thresholds. Ratios are relative to the person's own running baseline; durations are in
 * milliseconds (never frames) so the same numbers work from 10 to 30 fps.
 */
export interface BlinkConfig {
  /** Rolling window of the per-eye open-EAR median (only open, unblocked frames feed it). */
  baselineMs: number
  /** A frame is "closing" when mean EAR < closeRatio x baseline and each eye < eyeRatio x its own baseline. */
  closeRatio: number
  eyeRatio: number
  /** The eye is open again when mean EAR >= reopenRatio x baseline, or has come back this fraction of the way there from the deepest frame. */
  reopenRatio: number
  reboundFrac: number
  /** ...and by at least this many times the person's median |ratio - 1| of open frames. */
  reboundNoise: number
  /** Depth the deepest frame must reach when the frames around it are at most fastGapMs apart... */
  depthRatio: number
  fastGapMs: number
  /** ...easing linearly to slowDepthRatio when they are slowGapMs or more apart (a frame rarely lands on the lowest lids). */
  slowDepthRatio: number
  slowGapMs: number
  /** ...and at least noiseFactor x the person's median |ratio - 1| of open frames below open (that median taken at most maxNoise). */
  noiseFactor: number
  maxNoise: number
  /** Open frames the noise median needs before a shallow dip can be judged against it (deep closures need none). */
  minNoiseFrames: number
  /** Each eye must dip beyond this many times the person's median |ratio - 1| (both eyes close in a blink). */
  eyeNoiseFactor: number
  /** The lesser of the two eyes' drops must be at least this fraction of the greater. */
  minEyeBalance: number
  /** A closure at least this deep (mean ratio) is unmistakable: the shallow-dip shape checks do not apply. */
  deepRatio: number
  /** Shallow dips: time between the first and last frame below half the dip's depth at most this (a blink is narrow; a frown is not)... */
  maxHalfWidthMs: number
  /** ...and the mouth ratio may change at most this much (talking and grimaces narrow the eyes too)... */
  maxMouthChange: number
  /** ...per this much time watched, from the last open frame to the reopening one (longer only at low frame rates). */
  mouthWindowMs: number
  /** The deepest frame must be at least this much below the baseline in absolute EAR. */
  minDrop: number
  /** Eyes whose open-EAR baseline is below this are closed or unreadable: no blink can be measured. */
  minOpenEar: number
  /** Closures longer than this (first to last closed frame) are not blinks (eyes shut, looking down). */
  maxClosedMs: number
  /** The head must not be turned more than this fraction of turnDeg, nor pitched down more than this fraction of nodDownDeg. */
  poseGateFrac: number
  /** Head angular speed above this (deg/s, in the tracker's own scale) blocks blinks. */
  maxHeadSpeed: number
  /**
   * At the deepest frame each eye's upper lid is at most (1 - this) x its open height: a blink brings the
   * upper lid down. A dip made by the lower lid rising (a smile, a squint) or by a tracker slip on a blurred
   * frame that lowers one eye's contour does not.
   */
  minLidDrop: number
}

export interface MouthConfig {
  baselineMs: number
  /** Open when the inner-lip ratio >= max(openRatio, baseline + openAboveBaseline). */
  openRatio: number
  openAboveBaseline: number
  /** Closed again when the ratio falls below closeFrac x the open threshold. */
  closeFrac: number
  /** Must stay open at least this long (talking does not). */
  holdMs: number
  /** A held opening is reported after this long even if the mouth stays open. */
  maxHoldMs: number
  /**
   * The frame intervals at either end of an opening are credited up to this, for the part of them past the
   * threshold (interpolated: a blurred frame half-way up is mostly a closed mouth); at 7.5 fps a 300-ms hold shows 2-3 frames.
   */
  maxGapCreditMs: number
  /** Below this fraction of the open threshold the lips are at rest. */
  rampFrac: number
  /** On its way the jaw is seen within this (plus the gap credit) between rest and near the widest opening... */
  maxRampMs: number
  /** ...or, passing through levels a step apart (a slow jaw, pausing half-way), within this. */
  maxSlowRampMs: number
  /** A frame on the way is at least this fraction of the opening, and at least rampMinStep, from both ends. */
  rampStepFrac: number
  rampMinStep: number
  /** Frames further apart than this (dropped frames) may hide the way: it is not required across such a gap. */
  rampMaxGapMs: number
}

export interface HeadConfig {
  /** Rolling window of the frontal yaw/pitch median once anchored (fed only while the head is near it). */
  baselineMs: number
  /** Free-running (no session anchor): window of the median of every frame, the centre of the pose distribution. */
  centreMs: number
  /** Excursions in degrees from the frontal baseline; undefined = use the layout's tuning. */
  turnDeg?: number
  nodUpDeg?: number
  nodDownDeg?: number
  /** Time a turn must stay beyond its threshold... */
  holdMs: number
  /** ...and a nod (people bob their heads while talking for a quarter of a second). */
  nodHoldMs: number
  /** A held excursion is reported after this long even if the head does not come back (in a session only). */
  maxHoldMs: number
  /**
   * Free-running (no session anchor) a turn or nod is a rotation and return: the head comes back below
   * half the threshold within this long of its last frame beyond it. Lingering there is a new posture.
   */
  maxReturnMs: number
  /** If the baseline has not been fed for this long, it follows the head again (slow drift, bad start). */
  staleMs: number
  /** A turn or nod must gain half its threshold within this long before passing it (slower is posture drift). */
  maxRiseMs: number
  /**
   * The head is seen on its way, there or back: a frame at least wayMinStepDeg from both the rest and the
   * excursion within maxWayMs (a swapped photo jumps). Frames further apart than wayMaxGapMs can skip it.
   */
  wayMinStepDeg: number
  maxWayMs: number
  wayMaxGapMs: number
  /** A nod must also move the nose tip this many eye spans toward (up) or away from (down) the eye line. */
  nodMinNoseShift: number
  /** A nod is rejected when the eye span (distance to camera) changed by more than this fraction during it. */
  maxScaleChange: number
}

export interface DetectorConfig {
  /** Baselines need this much history before any detector reports. */
  warmupMs: number
  /** A face gap longer than this aborts actions in progress. */
  maxGapMs: number
  blink: BlinkConfig
  mouth: MouthConfig
  head: HeadConfig
}

export const DEFAULT_DETECTOR_CONFIG: DetectorConfig = {
  warmupMs: 400,
  maxGapMs: 300,
  blink: {
    baselineMs: 2000,
    closeRatio: 0.9,
    eyeRatio: 0.95,
    reopenRatio: 0.9,
    reboundFrac: 0.5,
    reboundNoise: 3,
    depthRatio: 0.72,
    fastGapMs: 45,
    slowDepthRatio: 0.86,
    slowGapMs: 110,
    noiseFactor: 5,
    maxNoise: 0.06,
    minNoiseFrames: 5,
    eyeNoiseFactor: 2.5,
    minEyeBalance: 0.3,
    deepRatio: 0.55,
    maxHalfWidthMs: 200,
    maxMouthChange: 0.15,
    mouthWindowMs: 400,
    minDrop: 0.03,
    minOpenEar: 0.15,
    maxClosedMs: 1000,
    poseGateFrac: 0.8,
    maxHeadSpeed: 30,
    minLidDrop: 0.12,
  },
  mouth: {
    baselineMs: 3000,
    openRatio: 0.3,
    openAboveBaseline: 0.2,
    closeFrac: 0.9,
    holdMs: 300,
    maxHoldMs: 2000,
    maxGapCreditMs: 100,
    rampFrac: 0.35,
    maxRampMs: 500,
    maxSlowRampMs: 2000,
    rampStepFrac: 0.2,
    rampMinStep: 0.05,
    rampMaxGapMs: 300,
  },
  head: {
    baselineMs: 3000,
    centreMs: 8000,
    holdMs: 100,
    nodHoldMs: 200,
    maxHoldMs: 2000,
    maxReturnMs: 1000,
    staleMs: 8000,
    maxRiseMs: 1500,
    wayMinStepDeg: 1.2,
    maxWayMs: 800,
    wayMaxGapMs: 300,
    nodMinNoseShift: 0.04,
    maxScaleChange: 0.2,
  },
}

export type DetectorConfigInput = {
  warmupMs?: number
  maxGapMs?: number
  blink?: Partial<BlinkConfig>
  mouth?: Partial<MouthConfig>
  head?: Partial<HeadConfig>
}

export function resolveDetectorConfig(input?: DetectorConfigInput): DetectorConfig {
  const d = DEFAULT_DETECTOR_CONFIG
  if (!input) return d
  return {
    warmupMs: input.warmupMs ?? d.warmupMs,
    maxGapMs: input.maxGapMs ?? d.maxGapMs,
    blink: { ...d.blink, ...input.blink },
    mouth: { ...d.mouth, ...input.mouth },
    head: { ...d.head, ...input.head },
  }
}
