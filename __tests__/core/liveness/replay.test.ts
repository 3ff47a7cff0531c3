/** Determinism: same observations, same events and verdict; the verdict's summary replays to the same verdict. */
import { normaliseFrame } from '../../../src/core/liveness/adapters/normalise'
import { layoutOf, replaySummary, runSession, sourceFromHeader } from '../../../src/core/liveness/engine'
import { quantiseObservation } from '../../../src/core/liveness/quantise'
import { emptyObservation } from '../../../src/core/liveness/types'
import { LivenessInputError } from '../../../src/core/liveness/errors'
import { CLIP_CONFIG, loadTrace, stillPhoto, thin } from './helpers'
import { decodeSummary, SUMMARY_FIELDS, SUMMARY_VERSION, summaryStride } from '../../../src/core/liveness/summary'
import { encodeFingerprint, fingerprintSummary } from '../../../src/core/liveness/fingerprint'

describe('replay', () => {
  const cases = [
    { clip: 'cap13_edit2' as const, challenge: ['blink', 'turn_left'] as const, passed: true },
    { clip: 'cap12_edit' as const, challenge: ['mouth_open', 'turn_right', 'turn_left', 'head_down', 'head_up', 'blink'] as const, passed: true },
    { clip: 'cap12_edit' as const, challenge: ['turn_left', 'turn_right'] as const, passed: false },
    { clip: 'franck' as const, challenge: ['turn_left'] as const, passed: false },
  ]

  test.each(cases)('$clip $challenge', ({ clip, challenge, passed }) => {
    const trace = loadTrace(clip)
    const a = runSession(sourceFromHeader(trace.header), trace.frames, challenge, CLIP_CONFIG)
    const b = runSession(sourceFromHeader(trace.header), trace.frames, challenge, CLIP_CONFIG)
    expect(b).toEqual(a)
    expect(a.verdict.passed).toBe(passed)
    // through JSON, as the backend receives it
    const wire = JSON.parse(JSON.stringify(a.verdict.summary))
    const replayed = replaySummary(wire, challenge, CLIP_CONFIG)
    expect(replayed).toEqual(a.verdict)
  })

  test("the summary carries each frame's upper lids, as the blink detector saw them", () => {
    const trace = loadTrace('cap13_edit2')
    const src = sourceFromHeader(trace.header)
    const norm = { layout: layoutOf(src), aspect: src.aspect, mirrored: src.mirrored, minFaceScore: 0.5 }
    const { verdict } = runSession(src, trace.frames, ['blink', 'turn_left'], CLIP_CONFIG)
    const decoded = decodeSummary(verdict.summary)
    expect(decoded.length).toBeGreaterThan(100)
    for (const [i, o] of decoded.entries()) {
      const seen = quantiseObservation(normaliseFrame(trace.frames[i], norm, emptyObservation()), emptyObservation())
      expect([o.t, o.lidLeft, o.lidRight]).toEqual([seen.t, seen.lidLeft, seen.lidRight])
    }
    expect(decoded.filter((o) => Number.isFinite(o.lidLeft) && Number.isFinite(o.lidRight)).length).toBeGreaterThan(0.9 * decoded.length)
  })

  test('low frame rate and still photo verdicts replay too', () => {
    const trace = loadTrace('cap13_edit2')
    for (const frames of [thin(trace.frames, 10), stillPhoto(trace.frames[100], 20000, 15, 7)]) {
      const a = runSession(sourceFromHeader(trace.header), frames, ['blink', 'turn_left'])
      expect(replaySummary(JSON.parse(JSON.stringify(a.verdict.summary)), ['blink', 'turn_left'])).toEqual(a.verdict)
    }
  })

  test('frames after the verdict are not part of the replayed verdict, as a recording session would not have kept them', () => {
    const trace = loadTrace('cap13_edit2')
    const a = runSession(sourceFromHeader(trace.header), trace.frames, ['blink', 'turn_left'], CLIP_CONFIG)
    const s = a.verdict.summary
    const N = SUMMARY_FIELDS.length
    // the last second again, after the end
    const extra = s.data.slice((s.n - 25) * N)
    const longer = { ...s, n: s.n + 25, data: [...s.data, ...extra] }
    const replayed = replaySummary(JSON.parse(JSON.stringify(longer)), ['blink', 'turn_left'], CLIP_CONFIG)
    expect(replayed.frames).toBe(s.n)
    expect(replayed).toEqual(a.verdict)
  })

  test('a version 2 summary (a mini-program started before the update: no upper lids) still replays and passes; its fingerprint is the same', () => {
    const trace = loadTrace('cap13_edit2')
    const a = runSession(sourceFromHeader(trace.header), trace.frames, ['blink', 'turn_left'], CLIP_CONFIG)
    expect(a.verdict.passed).toBe(true)
    const s = a.verdict.summary
    const N = SUMMARY_FIELDS.length
    const old = { ...s, v: 2 as const, data: s.data.filter((_, i) => i % N < summaryStride(2)) }
    expect(summaryStride(2) * old.n).toBe(old.data.length)
    const replayed = replaySummary(JSON.parse(JSON.stringify(old)), ['blink', 'turn_left'], CLIP_CONFIG)
    expect(replayed.passed).toBe(true)
    expect(replayed.actions).toEqual(a.verdict.actions)
    expect(decodeSummary(old).every((o) => Number.isNaN(o.lidLeft) && Number.isNaN(o.lidRight))).toBe(true)
    // the same frames in the old layout are the same recording to the reuse check
    expect(encodeFingerprint(fingerprintSummary(old))).toBe(encodeFingerprint(fingerprintSummary(s)))
    // each version is read with its own width: the new data under the old number is refused
    expect(() => replaySummary({ ...s, v: 2 }, ['blink'], CLIP_CONFIG)).toThrow(LivenessInputError)
  })

  test('a summary replayed against a different challenge does not pass', () => {
    const trace = loadTrace('cap13_edit2')
    const a = runSession(sourceFromHeader(trace.header), trace.frames, ['blink', 'turn_left'], CLIP_CONFIG)
    expect(a.verdict.passed).toBe(true)
    expect(replaySummary(a.verdict.summary, ['turn_right', 'turn_left'], CLIP_CONFIG).passed).toBe(false)
  })

  test('a malformed summary is refused with SUMMARY_BAD', () => {
    for (const bad of [null, {}, { v: SUMMARY_VERSION, layout: 'mediapipe-478', n: 2, data: [1, 2, 3] }, { v: SUMMARY_VERSION, layout: 'mediapipe-478', n: 1, data: new Array(SUMMARY_FIELDS.length).fill(0.5) }, { v: 1, layout: 'mediapipe-478', n: 1, data: new Array(14).fill(0) }]) {
      expect(() => replaySummary(bad as never, ['blink'])).toThrow(LivenessInputError)
    }
  })
})
