/**
 * Evidence frames bound to the session (pure; services/certification.ts applies it).
 *
 * A passed session sends a neutral frame (taken when positioning ended) and one frame per challenged
 * action, taken at the action's peak (ActionEvent.peakMs: the deepest eye closure, the widest mouth,
 * the furthest turn), each with its moment {t, step}. The backend reads every frame with the face
 * tracker it runs itself (Human in a worker) and the engine's own adapter (normaliseFrame), and checks:
 *
 *  1. binding: one frame per moment, the neutral one before the first action, one per accepted action
 *     within PEAK_TOLERANCE_MS of the peak the backend's own replay found, each at a frame of the
 *     summary (else 'unbound');
 *  2. each frame shows a face (else 'unreadable': the identity check's no_face, not a tamper);
 *  3. each action frame shows the action RELATIVE to the neutral frame — eyes closing (mean EAR at most
 *     BLINK_MAX_RATIO of neutral) for a blink, mouth open for mouth_open, head turned the right way
 *     (engine convention: yaw > 0 = the person's own left) for turns, head up / down for nods — and
 *     agrees with what the summary says at that moment relative to its neutral moment; the neutral
 *     frame agrees with the summary's pose at its moment (else 'contradicts': a tamper).
 *
 * Lenient on purpose: Human in the browser on a video frame and Human in Node on a small JPEG never
 * agree exactly, and Human's angles are compressed (clear turns read 7–12°). A still photo fails
 * anyway: it shows open eyes at the blink and a frontal face at the turn.
 */
import { EVIDENCE_NEUTRAL_STEP, EVIDENCE_PEAK_TOLERANCE_MS, type EvidenceMoment } from '../../src/core/contracts/certification'
import { MEDIAPIPE_478 } from '../../src/core/liveness/adapters/layouts'
import { normaliseFrame } from '../../src/core/liveness/adapters/normalise'
import { DEFAULT_DETECTOR_CONFIG } from '../../src/core/liveness/detectors/config'
import { emptyObservation, type ActionEvent, type ActionName } from '../../src/core/liveness/types'
import type { FaceAnalysis } from '../identity/human-node'
import { pickMainFace } from '../identity/local-face-match'
import { observedFace, type ObservedFace } from './summary-examination'

/** An action frame must be this close to the action's peak in the replay (ms). */
export const PEAK_TOLERANCE_MS = EVIDENCE_PEAK_TOLERANCE_MS
/**
 * Blink: the frame's mean EAR at most this share of the neutral frame's. The frame IS the deepest frame
 * the engine saw, and at slow frame rates the engine accepts a blink whose deepest frame is only
 * slowDepthRatio of the open level (a 10 fps frame rarely lands on the lowest lids); the rest is room for
 * two trackers reading one frame (the phone's on the video, Human in Node on a small JPEG) and for a neutral
 * frame a little less open than the open level. At 0.8 a genuine shallow blink of a slow camera was
 * refused and audited as a tamper. A still photo reads about 1.
 */
export const BLINK_MAX_RATIO = DEFAULT_DETECTOR_CONFIG.blink.slowDepthRatio + 0.04
/** Blink: the summary's mean EAR at that moment at most this share of its neutral moment's (the same bound). */
export const BLINK_SUMMARY_MAX_RATIO = BLINK_MAX_RATIO
/** Mouth open: the frame's inner-lip ratio at least this much above the neutral frame's. */
export const MOUTH_MIN_RISE = 0.1
/** Turns and nods: the frame's angle change from neutral, in the right direction, at least this (°). */
export const ANGLE_MIN_CHANGE_DEG = 4
/** …and within this of the summary's own change (° , or this share of it when larger). */
export const ANGLE_AGREE_DEG = 8
export const ANGLE_AGREE_SHARE = 0.7
/**
 * Any frame: its absolute yaw / pitch within this of the summary's at its moment (°). Measured on the
 * fixture frames (320 px JPEG vs the 400 px video the trace was made from): within 1°; real phones
 * (browser video vs. an encoded evidence frame) will differ more, hence the room.
 */
export const POSE_AGREE_DEG = 7
/** The neutral frame: eyes open (mean EAR at least) and mouth not wide open (at most). */
export const NEUTRAL_MIN_EAR = 0.15
export const NEUTRAL_MAX_MOUTH = 0.3

export type FrameCheck = 'pose_disagrees' | 'not_neutral' | 'eyes_not_closed' | 'mouth_not_open' | 'not_turned' | 'wrong_direction' | 'disagrees_with_summary'

export interface EvidenceInput {
  challenge: readonly ActionName[]
  /** The replay's accepted actions, in challenge order. */
  actions: readonly ActionEvent[]
  moments: readonly EvidenceMoment[] | undefined
  frameCount: number
  /** The summary's observation at each moment (summary-examination observationAt); null if none. */
  summaryAt: readonly (ObservedFace | null)[]
  /** Each frame read by Human + normaliseFrame; null: no face (or not decodable). */
  frames: readonly (ObservedFace | null)[]
}

export interface FrameFinding {
  step: number
  action: ActionName | 'neutral'
  check: FrameCheck
  /** The measured change (frame, summary): EAR ratio, mouth rise or degrees. */
  frame?: number
  summary?: number
}

export type EvidenceResult =
  | { ok: true; frames: number }
  | { ok: false; problem: 'unbound'; detail: string }
  | { ok: false; problem: 'unreadable'; steps: number[] }
  | { ok: false; problem: 'contradicts'; findings: FrameFinding[] }

/**
 * A frame as the engine would see it: the main face of Human's analysis through the engine's own
 * adapter (layout mediapipe-478, unmirrored, the frame's aspect). null without a readable face.
 */
export function faceObservation(a: FaceAnalysis): ObservedFace | null {
  const face = pickMainFace(a.faces)
  if (!face || !face.points || face.points.length < 2 * MEDIAPIPE_478.pointCount) return null
  const o = normaliseFrame(
    { t: 0, faces: [{ box: [face.box[0] / a.width, face.box[1] / a.height, face.box[2] / a.width, face.box[3] / a.height], score: 1, points: face.points, angle: face.angle ?? null }] },
    { layout: MEDIAPIPE_478, aspect: a.width / a.height, mirrored: false, minFaceScore: 0 },
    emptyObservation(),
  )
  const f = observedFace(o)
  return [f.earLeft, f.earRight, f.mouth, f.yaw, f.pitch].every(Number.isFinite) ? f : null
}

const r3 = (x: number): number => Math.round(x * 1000) / 1000
const meanEar = (o: ObservedFace): number => (o.earLeft + o.earRight) / 2

/**
 * Which frame shows which step, or why the frames are not bound to this session. Only the moments
 * are looked at here (no image).
 */
export function bindMoments(
  challengeLength: number,
  actions: readonly ActionEvent[],
  moments: readonly EvidenceMoment[] | undefined,
  frameCount: number,
): { ok: true; byStep: Map<number, number> } | { ok: false; detail: string } {
  if (!moments || moments.length !== frameCount) return { ok: false, detail: 'moments_missing' }
  const byStep = new Map<number, number>()
  moments.forEach((m, i) => {
    if (!byStep.has(m.step)) byStep.set(m.step, i)
  })
  if (byStep.size !== moments.length) return { ok: false, detail: 'moment_repeated' }
  if (!byStep.has(EVIDENCE_NEUTRAL_STEP)) return { ok: false, detail: 'neutral_missing' }
  if (actions.length !== challengeLength) return { ok: false, detail: 'actions_incomplete' }
  for (let k = 0; k < challengeLength; k++) {
    const i = byStep.get(k)
    if (i === undefined) return { ok: false, detail: `step_${k}_missing` }
    if (Math.abs(moments[i].t - actions[k].peakMs) > PEAK_TOLERANCE_MS) return { ok: false, detail: `step_${k}_not_at_peak` }
  }
  for (const step of byStep.keys()) if (step >= challengeLength) return { ok: false, detail: 'unknown_step' }
  const neutral = moments[byStep.get(EVIDENCE_NEUTRAL_STEP) as number]
  if (actions.length > 0 && neutral.t >= actions[0].startMs) return { ok: false, detail: 'neutral_after_action' }
  return { ok: true, byStep }
}

export function checkEvidence(input: EvidenceInput): EvidenceResult {
  const bound = bindMoments(input.challenge.length, input.actions, input.moments, input.frameCount)
  if (!bound.ok) return { ok: false, problem: 'unbound', detail: bound.detail }
  const { byStep } = bound
  const nIdx = byStep.get(EVIDENCE_NEUTRAL_STEP) as number
  for (const i of byStep.values()) if (!input.summaryAt[i]) return { ok: false, problem: 'unbound', detail: 'moment_outside_summary' }
  const unreadable = [...byStep.entries()].filter(([, i]) => !input.frames[i]).map(([step]) => step)
  if (unreadable.length > 0) return { ok: false, problem: 'unreadable', steps: unreadable.sort((a, b) => a - b) }

  const fN = input.frames[nIdx] as ObservedFace
  const sN = input.summaryAt[nIdx] as ObservedFace
  const findings: FrameFinding[] = []
  const poseAgrees = (step: number, action: FrameFinding['action'], f: ObservedFace, s: ObservedFace) => {
    if (Math.abs(f.yaw - s.yaw) > POSE_AGREE_DEG) findings.push({ step, action, check: 'pose_disagrees', frame: r3(f.yaw), summary: r3(s.yaw) })
    else if (Math.abs(f.pitch - s.pitch) > POSE_AGREE_DEG) findings.push({ step, action, check: 'pose_disagrees', frame: r3(f.pitch), summary: r3(s.pitch) })
  }
  poseAgrees(EVIDENCE_NEUTRAL_STEP, 'neutral', fN, sN)
  if (!(meanEar(fN) >= NEUTRAL_MIN_EAR) || !(fN.mouth <= NEUTRAL_MAX_MOUTH)) findings.push({ step: EVIDENCE_NEUTRAL_STEP, action: 'neutral', check: 'not_neutral' })

  input.challenge.forEach((action, step) => {
    const i = byStep.get(step) as number
    const f = input.frames[i] as ObservedFace
    const s = input.summaryAt[i] as ObservedFace
    poseAgrees(step, action, f, s)
    switch (action) {
      case 'blink': {
        const fr = meanEar(f) / meanEar(fN)
        const sr = meanEar(s) / meanEar(sN)
        if (!(fr <= BLINK_MAX_RATIO)) findings.push({ step, action, check: 'eyes_not_closed', frame: r3(fr), summary: r3(sr) })
        else if (!(sr <= BLINK_SUMMARY_MAX_RATIO)) findings.push({ step, action, check: 'disagrees_with_summary', frame: r3(fr), summary: r3(sr) })
        return
      }
      case 'mouth_open': {
        const fd = f.mouth - fN.mouth
        const sd = s.mouth - sN.mouth
        if (!(fd >= MOUTH_MIN_RISE)) findings.push({ step, action, check: 'mouth_not_open', frame: r3(fd), summary: r3(sd) })
        else if (!(sd >= MOUTH_MIN_RISE)) findings.push({ step, action, check: 'disagrees_with_summary', frame: r3(fd), summary: r3(sd) })
        return
      }
      default: {
        const turn = action === 'turn_left' || action === 'turn_right'
        const sign = action === 'turn_left' || action === 'head_up' ? 1 : -1
        const fd = turn ? f.yaw - fN.yaw : f.pitch - fN.pitch
        const sd = turn ? s.yaw - sN.yaw : s.pitch - sN.pitch
        if (fd * sign <= -ANGLE_MIN_CHANGE_DEG) findings.push({ step, action, check: 'wrong_direction', frame: r3(fd), summary: r3(sd) })
        else if (!(fd * sign >= ANGLE_MIN_CHANGE_DEG)) findings.push({ step, action, check: 'not_turned', frame: r3(fd), summary: r3(sd) })
        else if (Math.abs(fd - sd) > Math.max(ANGLE_AGREE_DEG, ANGLE_AGREE_SHARE * Math.abs(sd))) findings.push({ step, action, check: 'disagrees_with_summary', frame: r3(fd), summary: r3(sd) })
      }
    }
  })
  return findings.length ? { ok: false, problem: 'contradicts', findings } : { ok: true, frames: byStep.size }
}
