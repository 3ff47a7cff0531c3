/** Property tests: random observation streams never crash the engine and never pass without every action. */
import fc from 'fast-check'
import { MEDIAPIPE_478 } from '../../../src/core/liveness/adapters/layouts'
import { LivenessSession } from '../../../src/core/liveness/session/machine'
import { ACTION_NAMES, type ActionName, type Observation } from '../../../src/core/liveness/types'

const maybe = (arb: fc.Arbitrary<number>) => fc.oneof({ weight: 9, arbitrary: arb }, { weight: 1, arbitrary: fc.constantFrom(NaN, Infinity, -Infinity) })

const obsArb = fc.record({
  dt: fc.integer({ min: 0, max: 200 }),
  faceCount: fc.integer({ min: 0, max: 3 }),
  earLeft: maybe(fc.double({ min: 0, max: 0.5, noNaN: true })),
  earRight: maybe(fc.double({ min: 0, max: 0.5, noNaN: true })),
  lidLeft: maybe(fc.double({ min: 0, max: 0.3, noNaN: true })),
  lidRight: maybe(fc.double({ min: 0, max: 0.3, noNaN: true })),
  mouth: maybe(fc.double({ min: 0, max: 1, noNaN: true })),
  yaw: maybe(fc.double({ min: -40, max: 40, noNaN: true })),
  pitch: maybe(fc.double({ min: -40, max: 40, noNaN: true })),
  roll: fc.double({ min: -40, max: 40, noNaN: true }),
  boxX: fc.double({ min: -0.2, max: 1, noNaN: true }),
  boxY: fc.double({ min: -0.2, max: 1, noNaN: true }),
  boxW: fc.double({ min: 0, max: 1, noNaN: true }),
  boxH: fc.double({ min: 0, max: 1, noNaN: true }),
  eyeSpan: maybe(fc.double({ min: 0, max: 0.5, noNaN: true })),
  noseDrop: maybe(fc.double({ min: -1, max: 1, noNaN: true })),
  luma: maybe(fc.double({ min: 0, max: 255, noNaN: true })),
})

const challengeArb = fc.array(fc.constantFrom<ActionName>(...ACTION_NAMES), { minLength: 1, maxLength: 4 })

type RawObs = typeof obsArb extends fc.Arbitrary<infer T> ? T : never

function toObservations(raw: RawObs[]): Observation[] {
  let t = 0
  return raw.map(({ dt, ...o }) => {
    t += dt
    return { ...o, t, faceSize: o.boxW }
  })
}

describe('random observation streams', () => {
  test('never crash, and never pass unless every challenged action was detected in order', () => {
    fc.assert(
      fc.property(fc.array(obsArb, { maxLength: 400 }), challengeArb, (raw, challenge) => {
        const s = new LivenessSession({ challenge, tuning: MEDIAPIPE_478.tuning, layout: 'mediapipe-478', config: { positioning: { holdMs: 0 } } })
        const detected: ActionName[] = []
        for (const o of toObservations(raw)) {
          for (const e of s.push(o)) if (e.type === 'detected') detected.push(e.action)
        }
        const v = s.finish()
        if (v.passed) {
          expect(v.actions.map((a) => a.action)).toEqual(challenge)
          // every challenged action appears among the detections, in order
          let k = 0
          for (const a of detected) if (a === challenge[k]) k++
          expect(k).toBe(challenge.length)
        } else {
          expect(v.reason).not.toBeNull()
        }
      }),
      { numRuns: 300 },
    )
  })

  test('smooth random head and face motion (plausible streams) never crash and pass only with all actions', () => {
    const walk = fc.array(fc.tuple(fc.double({ min: -1, max: 1, noNaN: true }), fc.double({ min: -1, max: 1, noNaN: true }), fc.double({ min: -1, max: 1, noNaN: true })), {
      minLength: 50,
      maxLength: 600,
    })
    fc.assert(
      fc.property(walk, challengeArb, fc.integer({ min: 33, max: 100 }), (steps, challenge, dt) => {
        const s = new LivenessSession({ challenge, tuning: MEDIAPIPE_478.tuning, layout: 'mediapipe-478' })
        let yaw = 0
        let pitch = 0
        let ear = 0.3
        let t = 0
        for (const [a, b, c] of steps) {
          yaw = Math.max(-30, Math.min(30, yaw + a * 3))
          pitch = Math.max(-30, Math.min(30, pitch + b * 3))
          ear = Math.max(0.02, Math.min(0.45, ear + c * 0.05))
          t += dt
          s.push({ t, faceCount: 1, earLeft: ear, earRight: ear, lidLeft: ear / 2, lidRight: ear / 2, mouth: Math.abs(c), yaw, pitch, roll: 0, boxX: 0.3, boxY: 0.3, boxW: 0.4, boxH: 0.4, faceSize: 0.4, eyeSpan: 0.15, noseDrop: 0.45 - pitch * 0.01, luma: NaN })
        }
        const v = s.finish()
        if (v.passed) expect(v.actions.map((x) => x.action)).toEqual(challenge)
      }),
      { numRuns: 200 },
    )
  })
})
