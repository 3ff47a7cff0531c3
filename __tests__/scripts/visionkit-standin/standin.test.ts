/**
 * The VisionKit stand-in (scripts/visionkit-standin): the 478 -> 106 correspondence, mirroring, the
 * angle array's order/units/signs, decimation and no-face frames — read back through the app's own
 * anchor reading and the engine's `visionkit-106` table.
 */
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { MEDIAPIPE_478, VISIONKIT_106, type LayoutTable } from '../../../src/core/liveness/adapters/layouts'
import { normaliseFrame } from '../../../src/core/liveness/adapters/normalise'
import { emptyObservation, type Observation, type TrackerFrame } from '../../../src/core/liveness/types'
import { loadClips, type Clip } from '../../../scripts/liveness/dataset'
import { genuineRuns, stillRuns, type GenuineRun } from '../../../scripts/liveness/sessions'
import { readTraceCached } from '../../../scripts/liveness/trace-io'
import { correspondenceRows, meshTo106, mirror106, VK106_FROM_MESH, VK106_MIRROR } from '../../../scripts/visionkit-standin/correspondence'
import { answerFor, answerToTrackerFrame, faceToAnchor, standinClip, type StandinOptions } from '../../../scripts/visionkit-standin/standin'

const TRACE = path.resolve(__dirname, '../../fixtures/liveness/traces/cap12_edit.jsonl.gz')
const trace = readTraceCached(TRACE)
const aspect = trace.header.width / trace.header.height
/** Every 10th frame with a face: enough variety (blinks, mouth, turns) and quick. */
const sample = trace.frames.filter((f, i) => i % 10 === 0 && f.faces.length > 0)

function observe(frame: TrackerFrame, layout: LayoutTable, mirrored: boolean): Observation {
  return { ...normaliseFrame(frame, { layout, aspect, mirrored, minFaceScore: 0.5 }, emptyObservation()) }
}

/** The stand-in's answer for a recorded frame, read back as the weapp adapter reads it. */
function throughStandin(frame: TrackerFrame, opts: StandinOptions = {}): TrackerFrame {
  return answerToTrackerFrame(frame.t, answerFor(frame, { aspect, ...opts }))
}

const FEATURES = ['earLeft', 'earRight', 'mouth', 'noseDrop', 'eyeSpan', 'yaw', 'pitch', 'roll', 'boxX', 'boxY', 'boxW', 'boxH'] as const

function expectSameObservation(a: Observation, b: Observation): void {
  for (const k of FEATURES) expect([k, b[k]]).toEqual([k, expect.closeTo(a[k], 9)])
}

describe('478 -> 106 correspondence', () => {
  test('has one rule per point and a mirror partner table that is its own inverse', () => {
    expect(VK106_FROM_MESH).toHaveLength(106)
    expect(VK106_MIRROR).toHaveLength(106)
    VK106_MIRROR.forEach((j, i) => expect(VK106_MIRROR[j]).toBe(i))
    // centre-line points are their own partners
    for (const i of [16, 43, 44, 45, 46, 49, 87, 93, 98, 102]) expect(VK106_MIRROR[i]).toBe(i)
  })

  test('the points the engine reads are the mesh points the mediapipe-478 table reads', () => {
    const mesh = sample[0].faces[0].points
    const p = meshTo106(mesh, aspect)
    const same = (i106: number, i478: number) => expect([i106, p[2 * i106], p[2 * i106 + 1]]).toEqual([i106, mesh[2 * i478], mesh[2 * i478 + 1]])
    VISIONKIT_106.eyeImageLeft.forEach((v, k) => same(v, MEDIAPIPE_478.eyeImageLeft[k]))
    VISIONKIT_106.eyeImageRight.forEach((v, k) => same(v, MEDIAPIPE_478.eyeImageRight[k]))
    VISIONKIT_106.mouthCorners.forEach((v, k) => same(v, MEDIAPIPE_478.mouthCorners[k]))
    // the same three inner-lip pairs (listed in another order: the opening is their mean)
    const pairOf = (pair: readonly number[]) => pair.map((i) => `${p[2 * i]},${p[2 * i + 1]}`).join(' ')
    const meshPairOf = (pair: readonly number[]) => pair.map((i) => `${mesh[2 * i]},${mesh[2 * i + 1]}`).join(' ')
    expect(VISIONKIT_106.mouthPairs.map(pairOf).sort()).toEqual(MEDIAPIPE_478.mouthPairs.map(meshPairOf).sort())
    same(VISIONKIT_106.noseTip, MEDIAPIPE_478.noseTip)
    // landmarks named by CainCamera's FaceLandmark: chin, lip centres, nostril centre, pupils
    same(16, 152)
    same(87, 0)
    same(93, 17)
    same(49, 2)
    same(104, 473)
    same(105, 468)
  })

  test('the geometry is the common layout: contour left to right through the chin, eyes and brows on their sides', () => {
    const p = meshTo106(sample[0].faces[0].points, aspect)
    const x = (i: number) => p[2 * i]
    const y = (i: number) => p[2 * i + 1]
    // contour: left half goes down to the chin (16), right half back up; x increases along the whole way
    for (let i = 1; i <= 32; i++) expect(x(i)).toBeGreaterThan(x(i - 1) - 0.01)
    for (let i = 1; i <= 16; i++) expect(y(i)).toBeGreaterThan(y(i - 1) - 0.005)
    for (let i = 17; i <= 32; i++) expect(y(i)).toBeLessThan(y(i - 1) + 0.005)
    // image-left eye (52-57, 72-74) left of the image-right eye (58-63, 75-77); pupils inside their eyes
    expect(x(55)).toBeLessThan(x(58))
    expect(x(104)).toBeGreaterThan(x(52))
    expect(x(104)).toBeLessThan(x(55))
    expect(x(105)).toBeGreaterThan(x(58))
    expect(x(105)).toBeLessThan(x(61))
    // brows above the eyes, the upper lid centre above the lower, the nose ridge top to tip downward
    for (const i of [33, 34, 35, 36, 37, 64, 65, 66, 67]) expect(y(i)).toBeLessThan(y(72))
    for (const i of [38, 39, 40, 41, 42, 68, 69, 70, 71]) expect(y(i)).toBeLessThan(y(75))
    expect(y(72)).toBeLessThan(y(73))
    for (let i = 44; i <= 46; i++) expect(y(i)).toBeGreaterThan(y(i - 1))
    // outer lip: corners 84 / 90, top centre 87 above bottom centre 93; inner lip inside the outer
    expect(x(84)).toBeLessThan(x(87))
    expect(x(90)).toBeGreaterThan(x(87))
    expect(y(87)).toBeLessThan(y(98))
    expect(y(93)).toBeGreaterThan(y(102))
  })

  test('mirroring twice gives the points back; once, a point lands where its partner was, flipped', () => {
    const p = meshTo106(sample[0].faces[0].points, aspect)
    const m = mirror106(p)
    expect(mirror106(m)).toEqual(p.map((v) => expect.closeTo(v, 12)))
    expect(m[2 * 52]).toBeCloseTo(1 - p[2 * 61], 12)
    expect(m[2 * 52 + 1]).toBeCloseTo(p[2 * 61 + 1], 12)
  })
})

describe('stand-in frames read through the visionkit-106 table', () => {
  test('with the table\'s own assumptions, every feature equals the mediapipe-478 reading of the same recorded frame', () => {
    for (const f of sample) expectSameObservation(observe(f, MEDIAPIPE_478, false), observe(throughStandin(f), VISIONKIT_106, false))
  })

  test('a mirrored camera (selfie flip) read as mirrored gives the same features; read as unmirrored, turns and eyes swap', () => {
    for (const f of sample) {
      const truth = observe(f, MEDIAPIPE_478, false)
      const flipped = throughStandin(f, { mirrored: true })
      const asMirrored = observe(flipped, VISIONKIT_106, true)
      for (const k of ['earLeft', 'earRight', 'mouth', 'noseDrop', 'eyeSpan', 'yaw', 'pitch', 'roll', 'boxW'] as const) expect(asMirrored[k]).toBeCloseTo(truth[k], 9)
      expect(asMirrored.boxX).toBeCloseTo(1 - truth.boxX - truth.boxW, 9)
      const assumedUnmirrored = observe(flipped, VISIONKIT_106, false)
      expect(assumedUnmirrored.yaw).toBeCloseTo(-truth.yaw, 9)
      expect(assumedUnmirrored.roll).toBeCloseTo(-truth.roll, 9)
      expect(assumedUnmirrored.pitch).toBeCloseTo(truth.pitch, 9)
      expect(assumedUnmirrored.earLeft).toBeCloseTo(truth.earRight, 9)
    }
  })

  test('angles round-trip in any order, unit and sign convention when the table says the same', () => {
    const conventions: LayoutTable['angle'][] = [
      { unit: 'deg', order: ['yaw', 'pitch', 'roll'], yawSign: -1, pitchSign: 1, rollSign: -1 },
      { unit: 'rad', order: ['roll', 'yaw', 'pitch'], yawSign: 1, pitchSign: -1, rollSign: 1 },
    ]
    for (const angle of conventions) {
      const table: LayoutTable = { ...VISIONKIT_106, angle }
      for (const f of sample) expectSameObservation(observe(f, MEDIAPIPE_478, false), observe(throughStandin(f, { angle }), table, false))
    }
  })

  test('a phone that disagrees with the table shows up: degrees read as radians, or the other yaw sign', () => {
    const turned = sample.reduce((a, b) => (Math.abs(observe(b, MEDIAPIPE_478, false).yaw) > Math.abs(observe(a, MEDIAPIPE_478, false).yaw) ? b : a))
    const truth = observe(turned, MEDIAPIPE_478, false)
    expect(Math.abs(truth.yaw)).toBeGreaterThan(3)
    const degrees = observe(throughStandin(turned, { angle: { unit: 'deg' } }), VISIONKIT_106, false)
    expect(degrees.yaw).toBeCloseTo((truth.yaw * 180) / Math.PI, 6)
    const otherSign = observe(throughStandin(turned, { angle: { yawSign: -1 } }), VISIONKIT_106, false)
    expect(otherSign.yaw).toBeCloseTo(-truth.yaw, 9)
  })

  test('the anchor has VisionKit\'s documented fields: origin/size in [0, 1], 106 points, angle and confidence arrays', () => {
    const a = faceToAnchor(sample[0].faces[0], { aspect })
    expect(a).not.toBeNull()
    expect(a?.type).toBe(3)
    expect(a?.points).toHaveLength(106)
    expect(a?.confidence).toHaveLength(106)
    expect(a?.angle).toHaveLength(3)
    for (const v of [a?.origin.x, a?.origin.y, a?.size.width, a?.size.height]) {
      expect(v).toBeGreaterThanOrEqual(0)
      expect(v).toBeLessThanOrEqual(1)
    }
  })
})

describe('clip options', () => {
  const frames: TrackerFrame[] = trace.frames.slice(0, 12)

  test('every Nth recorded frame reaches detectFace, on the recording\'s time axis', () => {
    expect(standinClip(frames, { everyNth: 2 }).map((s) => s.index)).toEqual([0, 2, 4, 6, 8, 10])
    expect(standinClip(frames, { everyNth: 3 }).map((s) => [s.index, s.t])).toEqual([0, 3, 6, 9].map((i) => [i, frames[i].t]))
  })

  test('no-face frames answer removeAnchors; faces under the score threshold are not reported', () => {
    const clip = standinClip(frames, { noFace: (i) => i === 1 || i === 2 })
    expect(clip.map((s) => s.answer.event)).toEqual(frames.map((_, i) => (i === 1 || i === 2 ? 'removeAnchors' : 'updateAnchors')))
    expect(answerToTrackerFrame(0, clip[1].answer).faces).toEqual([])
    const weak: TrackerFrame = { t: 0, faces: [{ ...frames[0].faces[0], score: 0.5 }] }
    expect(answerFor(weak, { scoreThreshold: 0.8 }).event).toBe('removeAnchors')
    expect(answerFor(weak, { scoreThreshold: 0.4 }).event).toBe('updateAnchors')
  })
})

test('the README\'s correspondence table is the one in the code', () => {
  const readme = readFileSync(path.resolve(__dirname, '../../../scripts/visionkit-standin/README.md'), 'utf8')
  for (const row of correspondenceRows()) expect(readme).toContain(row)
})

describe('the visionkit-106 table against the clips the engine is evaluated on', () => {
  const F = path.resolve(__dirname, '../../fixtures/liveness')
  const clips = [...loadClips(`${F}/traces`, [`${F}/labels`]), ...loadClips(`${F}/more/traces`, [`${F}/more/labels`])]
  /** The clip as a phone would give it: through the stand-in, every Nth frame, read as visionkit-106. */
  const asPhone = (c: Clip, everyNth: number): Clip => {
    const aspect = c.trace.header.width / c.trace.header.height
    const frames = standinClip(c.trace.frames, { everyNth, aspect }).map((f) => answerToTrackerFrame(f.t, f.answer))
    return { ...c, trace: { header: { ...c.trace.header, layout: 'visionkit-106' }, frames } }
  }
  const everyNth = (c: Clip, n: number): Clip => ({ ...c, trace: { ...c.trace, frames: c.trace.frames.filter((_, i) => i % n === 0) } })
  const outcome = (runs: GenuineRun[]) => runs.map((r) => `${r.clip} ${r.action}@${r.segmentStartMs} ${r.decided ? (r.passed ? (r.onLabel ? 'passed' : 'passed-off-label') : r.reason) : 'ended'}`)

  /**
   * The one session that ends otherwise: cap12's last turn_left peaks at about 7 degrees of Human's
   * (compressed) yaw, enough for mediapipe-478's 6-degree turn threshold but not for visionkit-106's 8
   * (the table assumes VisionKit does not compress angles; with Human's tuning the same frames pass at
   * 4.9 s). The stand-in passes Human's angles on unscaled, so this is the stand-in's limit, not evidence
   * against the table: VisionKit's angle scale is for a phone to measure (README, calibration page).
   */
  const KNOWN = ['cap12_edit turn_left@39200 passed -> ended']

  test.each([2, 3])('every %i-th frame: each genuine session that decides passes, and each ends as on the Human mesh but the known one', (n) => {
    const differ: string[] = []
    for (const c of clips) {
      const runs = genuineRuns(asPhone(c, n), 4000)
      // every session that decides passes
      for (const r of runs) if (r.decided) expect([r.clip, r.action, r.segmentStartMs, r.passed]).toEqual([r.clip, r.action, r.segmentStartMs, true])
      const phone = outcome(runs)
      const mesh = outcome(genuineRuns(everyNth(c, n), 4000))
      expect(phone.length).toBe(mesh.length)
      mesh.forEach((m, i) => {
        if (m !== phone[i]) differ.push(`${m} -> ${phone[i].split(' ').at(-1)}`)
      })
    }
    expect(differ).toEqual(KNOWN)
  })

  test('a still photo of every clip never passes through the stand-in', () => {
    for (const c of clips) for (const r of stillRuns(asPhone(c, 2))) expect([r.clip, r.action, r.passed]).toEqual([r.clip, r.action, false])
  })
})
