/** The attack controls shared by the tests and the CLI (src/core/liveness/controls.ts). */
import { join } from 'node:path'
import { DEFAULT_CONTROL_NOISE, pickFaceFrames, rng, slideshow, stillPhoto } from '../../../src/core/liveness/controls'
import type { TrackerFace, TrackerFrame } from '../../../src/core/liveness/types'
import { readTraceCached } from '../../../scripts/liveness/trace-io'
import * as helpers from '../../core/liveness/helpers'
import { TRACES } from './support'

const trace = () => readTraceCached(join(TRACES, 'cap13_edit2.jsonl.gz'))

/** The generator as it was in the test helpers before it moved (kept here to pin its output). */
function legacyStillPhoto(frame: TrackerFrame, ms: number, fps: number, seed: number): TrackerFrame[] {
  const noise = { point: 0.0015, angle: 0.005, box: 0.002 }
  const r = rng(seed)
  const u = (k: number) => (r() * 2 - 1) * k
  const face = frame.faces.reduce((a, b) => (a.score >= b.score ? a : b))
  const out: TrackerFrame[] = []
  for (let t = 0; t <= ms; t += 1000 / fps) {
    const a = face.angle as { pitch: number; yaw: number; roll: number }
    out.push({
      t: Math.round(t),
      faces: [
        {
          score: face.score,
          box: face.box.map((v) => v + u(noise.box)),
          points: face.points.map((v) => v + u(noise.point)),
          angle: { pitch: a.pitch + u(noise.angle), yaw: a.yaw + u(noise.angle), roll: a.roll + u(noise.angle) },
        },
      ],
    })
  }
  return out
}

const within = (a: readonly number[], b: readonly number[], k: number) => a.every((v, i) => Math.abs(v - b[i]) <= k + 1e-12)

describe('stillPhoto', () => {
  test('same frames as the old test helper for the same seed (the helper re-exports it)', () => {
    const f = trace().frames[100]
    expect(JSON.stringify(stillPhoto(f, 3000, 15, 11))).toBe(JSON.stringify(legacyStillPhoto(f, 3000, 15, 11)))
    expect(helpers.stillPhoto).toBe(stillPhoto)
    expect(helpers.rng).toBe(rng)
  })

  test('one face repeated for the whole time at the rate, jitter within the noise, deterministic', () => {
    const f = trace().frames[100]
    const src = f.faces[0]
    const photo = stillPhoto(f, 10000, 25, 5)
    expect(photo).toHaveLength(251)
    expect(photo[0].t).toBe(0)
    expect(photo[photo.length - 1].t).toBe(10000)
    const ok = photo.every(
      (p) => p.faces.length === 1 && within(p.faces[0].points, src.points, DEFAULT_CONTROL_NOISE.point) && within(p.faces[0].box, src.box, DEFAULT_CONTROL_NOISE.box),
    )
    expect(ok).toBe(true)
    const key = JSON.stringify(photo)
    expect(JSON.stringify(stillPhoto(f, 10000, 25, 5)) === key).toBe(true)
    expect(JSON.stringify(stillPhoto(f, 10000, 25, 6)) === key).toBe(false)
  })

  test('the highest-score face is the photo', () => {
    const f = trace().frames[100]
    const weak: TrackerFace = { ...f.faces[0], score: 0.1, points: f.faces[0].points.map(() => 0) }
    const photo = stillPhoto({ t: 0, faces: [weak, f.faces[0]] }, 100, 10, 1)
    expect(within(photo[0].faces[0].points, f.faces[0].points, DEFAULT_CONTROL_NOISE.point)).toBe(true)
  })
})

describe('slideshow', () => {
  test('four photos in turn, each for the dwell time, cycling', () => {
    const photos = pickFaceFrames(trace().frames, 4)
    expect(photos).toHaveLength(4)
    expect(new Set(photos).size).toBe(4)
    const show = slideshow(photos, 10000, 10, 3, 1000)
    expect(show).toHaveLength(101)
    const which = (f: TrackerFrame) => photos.findIndex((p) => within(f.faces[0].points, p.faces[0].points, DEFAULT_CONTROL_NOISE.point))
    expect(show.map(which)).toEqual(show.map((f) => Math.floor(f.t / 1000) % 4))
    expect(JSON.stringify(slideshow(photos, 10000, 10, 3, 1000)) === JSON.stringify(show)).toBe(true)
  })

  test('pickFaceFrames skips frames without a face and spreads over the clip', () => {
    const frames: TrackerFrame[] = trace().frames.slice(0, 50).map((f, i) => (i < 10 ? { ...f, faces: [] } : f))
    const picked = pickFaceFrames(frames, 4)
    expect(picked.every((f) => f.faces.length > 0)).toBe(true)
    expect(picked.map((f) => f.t)).toEqual([...picked.map((f) => f.t)].sort((a, b) => a - b))
    expect(pickFaceFrames(frames.slice(0, 10), 4)).toEqual([])
  })
})
