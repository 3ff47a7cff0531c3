/**
 * In-memory resampling (src/core/liveness/resample.ts): thin reproduces the lowfps thin files frame for
 * frame; blend keeps the time axis of the blur files; jitter is deterministic for a seed and its gaps follow
 * the measured spread of real low-rate webcams.
 */
import { join } from 'node:path'
import { labelsNameFor } from '../../../src/core/liveness/eval'
import { blendAt, blendWindow, jitterIndices, jitterProfile, resampleFrames, thinSlots } from '../../../src/core/liveness/resample'
import type { TrackerFrame } from '../../../src/core/liveness/types'
import { findLabels, loadClips, resampleTrace } from '../../../scripts/liveness/dataset'
import { readTraceCached } from '../../../scripts/liveness/trace-io'
import { ALL_CLIPS, LABELS, LOWFPS, MORE_LABELS, TRACES } from './support'

const original = (c: { name: string; dir: string }) => readTraceCached(join(c.dir, `${c.name}.jsonl.gz`))
const variant = (name: string, v: string) => readTraceCached(join(LOWFPS, `${name}.${v}.jsonl.gz`))

describe('thin', () => {
  test.each(ALL_CLIPS.flatMap((c) => [15, 10].map((fps) => [c.name, fps, c] as const)))('%s at %s fps equals lowfps thin file frame for frame', (_n, fps, c) => {
    const src = original(c)
    const file = variant(c.name, `thin.${fps}`)
    const mine = resampleFrames(src.frames, { fps: fps as 15 | 10, sourceFps: src.header.fps })
    expect(mine.length).toBe(file.frames.length)
    const bad: number[] = []
    for (let i = 0; i < mine.length; i++) {
      if (mine[i].t !== file.frames[i].t || JSON.stringify(mine[i].faces) !== JSON.stringify(file.frames[i].faces)) bad.push(i)
    }
    expect(bad).toEqual([])
  })

  test('without the header rate the median gap gives the same result', () => {
    const src = original(ALL_CLIPS[0])
    expect(resampleFrames(src.frames, { fps: 15 })).toEqual(resampleFrames(src.frames, { fps: 15, sourceFps: src.header.fps }))
  })

  test('empty input gives empty output', () => {
    expect(thinSlots([], 10)).toEqual([])
    expect(resampleFrames([], { fps: 10, jitter: true })).toEqual([])
  })
})

describe('blend', () => {
  test('window N = round(source fps / fps), a tie rounded down (the lowfps table)', () => {
    expect([15, 10, 7.5].map((f) => blendWindow(30, f))).toEqual([2, 3, 4])
    expect([15, 10, 7.5].map((f) => blendWindow(25, f))).toEqual([2, 2, 3])
    expect([15, 10, 7.5].map((f) => blendWindow(24, f))).toEqual([2, 2, 3])
  })

  test.each(ALL_CLIPS.flatMap((c) => ['15', '10', '7.5'].map((fps) => [c.name, fps, c] as const)))('%s blend %s keeps the time axis of the lowfps blur file', (_n, fps, c) => {
    const src = original(c)
    const file = variant(c.name, `blur.${fps}`)
    const mine = resampleFrames(src.frames, { fps: Number(fps) as 15, blend: true, sourceFps: src.header.fps })
    expect(mine.map((f) => f.t)).toEqual(file.frames.map((f) => f.t))
  })

  test('averages points, box and angles of the N source frames ending at the kept frame; other faces untouched', () => {
    const face = (v: number, score = 0.9) => ({ score, box: [v, v, 1, 1], points: [v, 2 * v], angle: { pitch: v, yaw: -v, roll: 0 } })
    const spurious = { score: 0.2, box: [9, 9, 9, 9], points: [9, 9], angle: null }
    const frames: TrackerFrame[] = [0, 1, 2, 3].map((i) => ({ t: i * 40, faces: i === 3 ? [spurious, face(i)] : [face(i)], luma: 100 + i }))
    const b = blendAt(frames, 3, 3)
    expect(b.t).toBe(120)
    expect(b.faces[0]).toBe(spurious)
    expect(b.faces[1]).toEqual({ score: 0.9, box: [2, 2, 1, 1], points: [2, 4], angle: { pitch: 2, yaw: -2, roll: 0 } })
    expect(b.luma).toBe(102)
    // fewer frames at the start of the trace
    expect(blendAt(frames, 1, 3).faces[0]).toEqual({ score: 0.9, box: [0.5, 0.5, 1, 1], points: [0.5, 1], angle: { pitch: 0.5, yaw: -0.5, roll: 0 } })
    // array angles (VisionKit) are averaged element-wise
    const arr: TrackerFrame[] = [0, 1].map((i) => ({ t: i, faces: [{ score: 1, box: [0, 0, 1, 1], points: [i, i], angle: [i, 2 * i, 3 * i] }] }))
    expect(blendAt(arr, 1, 2).faces[0].angle).toEqual([0.5, 1, 1.5])
  })
})

describe('jitter', () => {
  const synthetic: TrackerFrame[] = Array.from({ length: 120000 }, (_, i) => ({ t: i * 0.5, faces: [] })) // 2000 fps, 60 s

  test('deterministic with the seed; another seed gives another selection', () => {
    const src = original(ALL_CLIPS[1]).frames
    const a = resampleFrames(src, { fps: 10, jitter: true, seed: 7 })
    expect(resampleFrames(src, { fps: 10, jitter: true, seed: 7 })).toEqual(a)
    expect(resampleFrames(src, { fps: 10, jitter: true, seed: 8 }).map((f) => f.t)).not.toEqual(a.map((f) => f.t))
  })

  test('keeps the original t of every kept frame', () => {
    const src = original(ALL_CLIPS[3]).frames
    const times = new Set(src.map((f) => f.t))
    for (const f of resampleFrames(src, { fps: 7.5, jitter: true, seed: 3 })) expect(times.has(f.t)).toBe(true)
  })

  const q = (xs: number[], p: number) => xs.slice().sort((a, b) => a - b)[Math.floor(p * (xs.length - 1))]

  test.each([
    // measured on real webcams: ~15 fps median 67, 5-95 % 49-87, max 122; ~8 fps median 126, 91-180, max 267
    [15, 67, 49, 87, 122],
    [7.5, 133, 96, 190, 283],
  ])('on a fine time grid the gaps at %s fps have the measured spread', (fps, med, p5, p95, max) => {
    const idx = jitterIndices(synthetic, fps, 11)
    const gaps = idx.slice(1).map((k, i) => synthetic[k].t - synthetic[idx[i]].t)
    expect(Math.abs(q(gaps, 0.5) - med)).toBeLessThan(0.06 * med)
    expect(Math.abs(q(gaps, 0.05) - p5)).toBeLessThan(0.08 * p5)
    expect(Math.abs(q(gaps, 0.95) - p95)).toBeLessThan(0.08 * p95)
    expect(Math.max(...gaps)).toBeLessThanOrEqual(max + 1)
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(0.5 * (1000 / fps) - 1)
  })

  test.each(ALL_CLIPS.flatMap((c) => [15, 10, 7.5].map((fps) => [c.name, fps, c] as const)))('%s at %s fps: gaps within bounds, rate about right', (_n, fps, c) => {
    const src = original(c)
    const srcGap = 1000 / (src.header.fps as number)
    const kept = resampleFrames(src.frames, { fps: fps as 15, jitter: true, seed: 1 })
    const gaps = kept.slice(1).map((f, i) => f.t - kept[i].t)
    const p = jitterProfile(fps)
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(srcGap - 0.01)
    // the clock's gap is at most max × nominal; picking the nearest source frame moves each end by ≤ half a source gap
    expect(Math.max(...gaps)).toBeLessThanOrEqual(p.max * p.nominalMs + srcGap + 0.01)
    const mean = (kept[kept.length - 1].t - kept[0].t) / gaps.length
    expect(mean).toBeGreaterThan(0.85 * p.nominalMs)
    expect(mean).toBeLessThan(1.2 * p.nominalMs)
  })
})

describe('variant names and labels', () => {
  test('a lowfps variant uses the original clip labels', () => {
    expect(labelsNameFor('cap12_edit.thin.15')).toBe('cap12_edit')
    expect(labelsNameFor('lp_d0.blur.7.5')).toBe('lp_d0')
    expect(labelsNameFor('lp_d0.blur.7.5.p2')).toBe('lp_d0')
    expect(labelsNameFor('cap12_edit.blur.10.p1')).toBe('cap12_edit')
    expect(labelsNameFor('lp_d0')).toBe('lp_d0')
    expect(labelsNameFor('my.clip')).toBe('my.clip')
    expect(findLabels('lp_d11.blur.10', [LABELS, MORE_LABELS])).toBe(join(MORE_LABELS, 'lp_d11.json'))
    expect(findLabels('franck.thin.10', [LABELS, MORE_LABELS])).toBe(join(LABELS, 'franck.json'))
  })

  test('loadClips pairs the lowfps files of one variant with labels from several dirs', () => {
    const clips = loadClips(LOWFPS, [LABELS, MORE_LABELS], { variant: 'thin.10' })
    expect(clips.map((c) => c.name)).toHaveLength(9)
    expect(clips.every((c) => c.name.endsWith('.thin.10') && c.labels.segments.length > 0)).toBe(true)
  })

  test('an in-memory variant gets the target rate in its header and per-clip seeds', () => {
    const t = readTraceCached(join(TRACES, 'cap13_edit2.jsonl.gz'))
    const a = resampleTrace(t, 'cap13_edit2', { fps: 10, jitter: true })
    expect(a.header.fps).toBe(10)
    expect(a.header.source).toContain('#jitter.10')
    expect(resampleTrace(t, 'other', { fps: 10, jitter: true }).frames.map((f) => f.t)).not.toEqual(a.frames.map((f) => f.t))
    expect(t.header.fps).toBe(25) // the cached original is not modified
  })
})
