/** Adapters: one tracker frame -> one observation, with one angle convention for every tracker. */
import { MEDIAPIPE_478, resolveLayout, VISIONKIT_106 } from '../../../src/core/liveness/adapters/layouts'
import { normaliseFrame, subjectIndex } from '../../../src/core/liveness/adapters/normalise'
import { emptyObservation, type TrackerFace } from '../../../src/core/liveness/types'
import { loadTrace } from './helpers'

const deg = (d: number) => (d * Math.PI) / 180

function face(nPoints: number, angle: TrackerFace['angle'], score = 1): TrackerFace {
  return { box: [0.3, 0.2, 0.4, 0.5], score, points: new Array(nPoints * 2).fill(0.5), angle }
}

describe('mediapipe-478 (Human)', () => {
  const opts = { layout: MEDIAPIPE_478, aspect: 4 / 3, mirrored: false, minFaceScore: 0.5 }

  test('angles in degrees: Human yaw down = own left = positive; Human pitch down = head up = positive', () => {
    const o = normaliseFrame({ t: 5, faces: [face(478, { yaw: deg(-10), pitch: deg(-8), roll: deg(3) })] }, opts, emptyObservation())
    expect(o.yaw).toBeCloseTo(10, 6)
    expect(o.pitch).toBeCloseTo(8, 6)
    expect(o.roll).toBeCloseTo(3, 6)
    expect(o.faceSize).toBe(0.4)
    expect(o.faceCount).toBe(1)
  })

  test('a mirrored preview flips yaw and roll (still the person’s own left), not pitch', () => {
    const o = normaliseFrame({ t: 0, faces: [face(478, { yaw: deg(-10), pitch: deg(-8), roll: deg(3) })] }, { ...opts, mirrored: true }, emptyObservation())
    expect(o.yaw).toBeCloseTo(-10, 6)
    expect(o.pitch).toBeCloseTo(8, 6)
    expect(o.roll).toBeCloseTo(-3, 6)
  })

  test('on a real clip, open eyes give EAR ~0.3 and a closed mouth a small ratio; the left turn has positive yaw', () => {
    const tr = loadTrace('cap13_edit2')
    const o = emptyObservation()
    const aspect = tr.header.width / tr.header.height
    const at = (ms: number) => normaliseFrame(tr.frames.find((f) => f.t >= ms)!, { ...opts, aspect }, o)
    at(1000)
    expect(o.earLeft).toBeGreaterThan(0.25)
    expect(o.earRight).toBeGreaterThan(0.25)
    expect(o.mouth).toBeLessThan(0.35)
    const restYaw = at(19000).yaw
    expect(at(20500).yaw - restYaw).toBeGreaterThan(8) // labelled turn_left 20.08-20.88 s
    expect(at(21600).yaw - restYaw).toBeLessThan(-5) // labelled turn_right 21.24-22.04 s
    expect(at(16000).mouth).toBeGreaterThan(0.4) // labelled mouth_open 15.56-16.76 s
    expect(at(17080).earLeft).toBeLessThan(0.2) // labelled blink 17.04-17.16 s
    // ...where both upper lids come down most of the way
    const openLids = [at(16900).lidLeft, o.lidRight]
    at(17080)
    expect(o.lidLeft).toBeLessThan(0.6 * openLids[0])
    expect(o.lidRight).toBeLessThan(0.6 * openLids[1])
  })
})

describe('subject and face count', () => {
  test('the subject is the highest-score face; faces under the minimum score are not counted', () => {
    const faces = [face(478, null, 0.3), face(478, null, 0.9), face(478, null, 0.95)]
    expect(subjectIndex(faces, 0.5)).toBe(2)
    const o = normaliseFrame({ t: 0, faces }, { layout: MEDIAPIPE_478, aspect: 1, mirrored: false, minFaceScore: 0.5 }, emptyObservation())
    expect(o.faceCount).toBe(2)
    const none = normaliseFrame({ t: 0, faces: [face(478, null, 0.3)] }, { layout: MEDIAPIPE_478, aspect: 1, mirrored: false, minFaceScore: 0.5 }, emptyObservation())
    expect(none.faceCount).toBe(0)
    expect(none.earLeft).toBeNaN()
  })

  test('missing angles or too few points give NaN features, not a crash', () => {
    const o = normaliseFrame({ t: 0, faces: [{ box: [0, 0, 0.5, 0.5], score: 1, points: [0.1, 0.2] }] }, { layout: MEDIAPIPE_478, aspect: 1, mirrored: false, minFaceScore: 0 }, emptyObservation())
    expect(o.yaw).toBeNaN()
    expect(o.earLeft).toBeNaN()
    expect(o.faceSize).toBe(0.5)
  })
})

describe('visionkit-106', () => {
  /** A 106-point face with every point at the centre, and a setter for the points a test places. */
  const points106 = () => {
    const pts: number[] = new Array(212).fill(0.5)
    const set = (i: number, x: number, y: number) => {
      pts[2 * i] = x
      pts[2 * i + 1] = y
    }
    return { pts, set }
  }

  test('array angles are read in the layout order and units; overrides change order, units and signs', () => {
    const opts = { layout: VISIONKIT_106, aspect: 0.75, mirrored: false, minFaceScore: 0 }
    const o = normaliseFrame({ t: 0, faces: [face(106, [deg(5), deg(-12), deg(2)])] }, opts, emptyObservation())
    expect(o.pitch).toBeCloseTo(5, 6)
    expect(o.yaw).toBeCloseTo(-12, 6)
    const custom = resolveLayout('visionkit-106', { angle: { order: ['yaw', 'pitch', 'roll'], unit: 'deg', yawSign: -1 } })!
    const o2 = normaliseFrame({ t: 0, faces: [face(106, [20, 4, 1])] }, { ...opts, layout: custom }, emptyObservation())
    expect(o2.yaw).toBe(-20)
    expect(o2.pitch).toBe(4)
    expect(custom.eyeImageLeft).toEqual(VISIONKIT_106.eyeImageLeft)
  })

  test('EAR and mouth from a synthetic 106-point face', () => {
    const { pts, set } = points106()
    // image-left eye 52..57: corners 52/55 0.1 apart, lids 0.03 apart
    set(52, 0.3, 0.4), set(55, 0.4, 0.4), set(53, 0.33, 0.385), set(57, 0.33, 0.415), set(54, 0.37, 0.385), set(56, 0.37, 0.415)
    set(58, 0.6, 0.4), set(61, 0.7, 0.4), set(59, 0.63, 0.385), set(63, 0.63, 0.415), set(60, 0.67, 0.385), set(62, 0.67, 0.415)
    set(96, 0.4, 0.7), set(100, 0.6, 0.7), set(97, 0.45, 0.68), set(103, 0.45, 0.72), set(98, 0.5, 0.68), set(102, 0.5, 0.72), set(99, 0.55, 0.68), set(101, 0.55, 0.72)
    const o = normaliseFrame({ t: 0, faces: [{ box: [0.2, 0.2, 0.6, 0.6], score: 1, points: pts, angle: [0, 0, 0] }] }, { layout: VISIONKIT_106, aspect: 1, mirrored: false, minFaceScore: 0 }, emptyObservation())
    expect(o.earLeft).toBeCloseTo(0.3, 6)
    expect(o.earRight).toBeCloseTo(0.3, 6)
    expect(o.mouth).toBeCloseTo(0.2, 6)
    expect(o.eyeSpan).toBeCloseTo(0.4, 6)
    // upper lids 0.015 above the corner line, a tenth of the eye away: 0.15
    expect(o.lidLeft).toBeCloseTo(0.15, 6)
    expect(o.lidRight).toBeCloseTo(0.15, 6)
  })

  test('the upper lid is measured against the corner line, so a lower lid rising leaves it alone; eyes swap when mirrored', () => {
    const { pts, set } = points106()
    // image-left eye tilted (its corners 0.1 apart along x, 0.02 along y); upper lid 0.02 above the line, lower lid 0.01 below
    set(52, 0.3, 0.4), set(55, 0.4, 0.42), set(53, 0.33, 0.386), set(54, 0.37, 0.394), set(57, 0.33, 0.416), set(56, 0.37, 0.424)
    // image-right eye level: upper lid 0.03 above, lower lid 0.03 below
    set(58, 0.6, 0.4), set(61, 0.7, 0.4), set(59, 0.63, 0.37), set(60, 0.67, 0.37), set(63, 0.63, 0.43), set(62, 0.67, 0.43)
    const frame = { t: 0, faces: [{ box: [0.2, 0.2, 0.6, 0.6], score: 1, points: pts, angle: [0, 0, 0] }] }
    const opts = { layout: VISIONKIT_106, aspect: 1, mirrored: false, minFaceScore: 0 }
    const width = Math.hypot(0.1, 0.02)
    const o = normaliseFrame(frame, opts, emptyObservation())
    // unmirrored: the image-left eye is the person's right eye
    expect(o.lidRight).toBeCloseTo((0.02 * 0.1) / width / width, 6)
    expect(o.lidLeft).toBeCloseTo(0.3, 6)
    set(63, 0.63, 0.41), set(62, 0.67, 0.41) // the image-right eye's lower lid rises
    const raised = normaliseFrame(frame, opts, emptyObservation())
    expect(raised.earLeft).toBeLessThan(o.earLeft)
    expect(raised.lidLeft).toBeCloseTo(0.3, 6)
    const mirrored = normaliseFrame(frame, { ...opts, mirrored: true }, emptyObservation())
    expect(mirrored.lidRight).toBeCloseTo(0.3, 6)
    expect(mirrored.lidLeft).toBeCloseTo((0.02 * 0.1) / width / width, 6)
  })

  test('unknown layout names resolve to undefined', () => {
    expect(resolveLayout('dlib-68')).toBeUndefined()
  })
})
