/** Detectors on synthetic streams: durations in ms at 10-30 fps, baselines per person, gating. */
import { MEDIAPIPE_478 } from '../../../src/core/liveness/adapters/layouts'
import { DetectorBank } from '../../../src/core/liveness/detectors/bank'
import { resolveDetectorConfig } from '../../../src/core/liveness/detectors/config'
import { RollingMedian } from '../../../src/core/liveness/detectors/rolling-median'
import { type ActionEvent, type Observation } from '../../../src/core/liveness/types'

type Shape = (t: number) => Partial<Observation>

/** Events of a synthetic stream; `anchorAt` = when a session's positioning gate anchors the frontal pose (free-running without). */
function stream(ms: number, fps: number, shape: Shape, openEar = 0.3, anchorAt?: number): ActionEvent[] {
  const bank = new DetectorBank(resolveDetectorConfig(), MEDIAPIPE_478.tuning)
  const out: ActionEvent[] = []
  for (let t = 0; t <= ms; t += 1000 / fps) {
    if (anchorAt !== undefined && t >= anchorAt && t - 1000 / fps < anchorAt) bank.anchorFrontal()
    const o: Observation = { t: Math.round(t), faceCount: 1, earLeft: openEar, earRight: openEar, mouth: 0.03, yaw: 3, pitch: -4, roll: 0, boxX: 0.3, boxY: 0.3, boxW: 0.4, boxH: 0.5, faceSize: 0.4, eyeSpan: 0.16, noseDrop: 0.45, luma: NaN, ...shape(t) } as Observation
    // a little tracker jitter
    o.earLeft += ((Math.round(t) * 7) % 5) * 0.002
    out.push(...bank.update(o).map((e) => ({ ...e })))
  }
  return out
}

const closed = (from: number, to: number, ear = 0.12): Shape => (t) => (t >= from && t <= to ? { earLeft: ear, earRight: ear } : {})

describe('blink', () => {
  test.each([10, 15, 24, 30])('a 150 ms blink is found at %i fps', (fps) => {
    const ev = stream(4000, fps, closed(2000, 2150))
    expect(ev.map((e) => e.action)).toEqual(['blink'])
    expect(ev[0].startMs).toBeGreaterThanOrEqual(1990)
  })

  test('a shallow blink to 0.65 x the open level counts (Human dips shallowly); 0.85 x does not', () => {
    expect(stream(4000, 25, closed(2000, 2150, 0.195)).map((e) => e.action)).toEqual(['blink'])
    expect(stream(4000, 25, closed(2000, 2150, 0.255))).toEqual([])
  })

  test('eyes shut for 2 s is not a blink', () => {
    expect(stream(6000, 25, closed(2000, 4000))).toEqual([])
  })

  test('one eye only (wink or tracker noise) is not a blink', () => {
    expect(stream(4000, 25, (t) => (t >= 2000 && t <= 2150 ? { earLeft: 0.1 } : {}))).toEqual([])
  })

  test('not while pitched down (looking down at the phone) nor while turning fast', () => {
    const down: Shape = (t) => ({ ...(t > 1500 && t < 3000 ? { pitch: -16 } : {}), ...closed(2000, 2150)(t) })
    expect(stream(4000, 25, down).filter((e) => e.action === 'blink')).toEqual([])
    // shaking the head fast (+-4 deg at 5 Hz, ~125 deg/s) but never far from frontal
    const turning: Shape = (t) => ({ ...(t > 1700 && t < 2400 ? { yaw: 3 + 4 * Math.sin((2 * Math.PI * t) / 200) } : {}), ...closed(2000, 2150)(t) })
    expect(stream(4000, 25, turning).filter((e) => e.action === 'blink')).toEqual([])
  })

  test('a shallow one-frame dip at 10 fps is a blink when the head stays put, not when the head moves as the eyes reopen', () => {
    const dip: Shape = (t) => (t === 2000 ? { earLeft: 0.225, earRight: 0.225 } : {})
    expect(stream(4000, 10, dip).map((e) => e.action)).toEqual(['blink'])
    // the frame that shows the eyes open again shows the head 4 deg further round (40 deg/s): the eye shape changed with the pose
    const turnAfter: Shape = (t) => ({ ...dip(t), ...(t >= 2100 && t < 2400 ? { yaw: 7 } : {}) })
    expect(stream(4000, 10, turnAfter).filter((e) => e.action === 'blink')).toEqual([])
  })

  test('it is the upper lids that come down: the same dip made by the lower lids rising, or one upper lid alone, is not a blink', () => {
    // open: each upper lid 0.15 of its eye's width above the corner line; one frame at 10 fps narrows both eyes to 0.75 x
    const dipWith =
      (left: number, right: number): Shape =>
      (t) => (t === 2000 ? { earLeft: 0.225, earRight: 0.225, lidLeft: left, lidRight: right } : { lidLeft: 0.15, lidRight: 0.15 })
    expect(stream(4000, 10, dipWith(0.09, 0.1)).map((e) => e.action)).toEqual(['blink'])
    expect(stream(4000, 10, dipWith(0.145, 0.14))).toEqual([])
    expect(stream(4000, 10, dipWith(0.08, 0.14))).toEqual([])
    // a tracker that gives no lids: the eye ratios alone decide
    expect(stream(4000, 10, dipWith(NaN, NaN)).map((e) => e.action)).toEqual(['blink'])
  })

  test('the mouth-still rule allows for how long frames far apart watch the mouth: a mouth settling by 0.16 is talking at 25 fps, not at 4.5 fps', () => {
    // the mouth closes from 0.2 to 0.04 just before the eyes dip for one frame
    const dipAt = (fps: number): Shape => (t) => ({
      mouth: t < 1990 ? 0.2 : 0.04,
      ...(Math.abs(t - 2000) < 500 / fps ? { earLeft: 0.225, earRight: 0.225 } : {}),
    })
    // 4.5 fps: the mouth is watched from 1778 to 2222 ms, 444 ms; 25 fps: 80 ms, all of it while the mouth moves
    expect(stream(4000, 4.5, dipAt(4.5)).map((e) => e.action)).toEqual(['blink'])
    expect(stream(4000, 25, dipAt(25)).filter((e) => e.action === 'blink')).toEqual([])
  })

  test('a shallow one-frame dip at 15 fps is not a blink when the head swung into it on the frame before', () => {
    const dip: Shape = (t) => (Math.round(t) === 2000 ? { earLeft: 0.225, earRight: 0.225 } : {})
    expect(stream(4000, 15, dip).map((e) => e.action)).toEqual(['blink'])
    // the head comes back 6 deg from a small turn between 1800 and 1867 ms: the last open frame (1933 ms) measures
    // 45 deg/s over its ~130 ms; the dip frame and the reopening frame measure a still head
    const swingIn: Shape = (t) => ({ ...dip(t), ...(t >= 1500 && t < 1820 ? { yaw: 9 } : {}) })
    expect(stream(4000, 15, swingIn).filter((e) => e.action === 'blink')).toEqual([])
  })

  test('at 6 fps a shallow dip on the first frames after warm-up is not judged (no noise level yet); the same dip later, or a deep one, is a blink', () => {
    const dipAt = (at: number, ear: number): Shape => (t) => (Math.round(t) === at ? { earLeft: ear, earRight: ear } : {})
    // frames every 167 ms: warm at 500 ms, so the dip at 667 ms has one open frame of noise behind it
    expect(stream(4000, 6, dipAt(667, 0.225)).filter((e) => e.action === 'blink')).toEqual([])
    expect(stream(4000, 6, dipAt(2000, 0.225)).map((e) => e.action)).toEqual(['blink'])
    expect(stream(4000, 6, dipAt(667, 0.1)).map((e) => e.action)).toEqual(['blink'])
  })

  test('a blink just after a nod counts: the head moving while the eyes sat a little under a stale open level is not movement around the blink', () => {
    // 12 fps. Head up 12 deg for 400 ms; as it comes back (96 deg/s over two frames) the eyes read 0.87 x the open
    // level learnt meanwhile (the eye shape changes with pitch). Half a second later, head still, a blink to 0.67 x.
    const afterNod = (blink: boolean): Shape => (t) => {
      const o: Partial<Observation> = t >= 1000 && t < 1400 ? { pitch: 8 } : {}
      if (t >= 1400 && t < 2000) Object.assign(o, { earLeft: 0.26, earRight: 0.26 })
      if (blink && t >= 1800 && t < 1950) Object.assign(o, { earLeft: 0.2, earRight: 0.2 })
      return o
    }
    expect(stream(4000, 12, afterNod(true)).filter((e) => e.action === 'blink').length).toBe(1)
    expect(stream(4000, 12, afterNod(false)).filter((e) => e.action === 'blink')).toEqual([])
  })

  test('the depth counts from where the eyes were just before: a one-frame dip to 0.8 x open is a blink from open eyes, not from eyes already at 0.92 x', () => {
    const dip: Shape = (t) => (Math.round(t) === 2000 ? { earLeft: 0.24, earRight: 0.24 } : {})
    expect(stream(4000, 10, dip).map((e) => e.action)).toEqual(['blink'])
    // a smile narrows the eyes to 0.92 x for a second (still "open"); the same frame is then 0.87 x of that level
    const narrowed: Shape = (t) => ({ ...(t >= 1500 && t < 2500 ? { earLeft: 0.276, earRight: 0.276 } : {}), ...dip(t) })
    expect(stream(4000, 10, narrowed).filter((e) => e.action === 'blink')).toEqual([])
  })

  test('baselines are per person: small eyes (open EAR 0.2) still blink', () => {
    expect(stream(4000, 25, closed(2000, 2150, 0.08), 0.2).map((e) => e.action)).toEqual(['blink'])
  })
})

describe('mouth_open', () => {
  // a jaw opens and closes over ~150 ms: linear ramps from the resting 0.03 to `to`
  const opening = (from: number, until: number, to = 0.5, rampMs = 150): Shape => (t) => {
    if (t < from || t > until + rampMs) return {}
    const k = Math.min(1, (t - from) / rampMs, (until + rampMs - t) / rampMs)
    return { mouth: 0.03 + (to - 0.03) * k }
  }

  test.each([7.5, 10, 15, 25, 30])('held 600 ms counts at %s fps', (fps) => {
    expect(stream(4000, fps, opening(2000, 2600)).map((e) => e.action)).toEqual(['mouth_open'])
  })

  test('a mouth that jumps from closed to open and back with nothing in between (photos swapped) does not count', () => {
    expect(stream(4000, 25, (t) => (t >= 2000 && t <= 2600 ? { mouth: 0.5 } : {}))).toEqual([])
  })

  test('talking bursts of 150 ms do not count', () => {
    const talk: Shape = (t) => (Math.floor(t / 150) % 2 === 1 && t > 1000 ? { mouth: 0.45 } : {})
    expect(stream(5000, 25, talk)).toEqual([])
  })

  test('two syllables with the lips closing half-way between them are not one held opening', () => {
    // 0.45 for 200 ms, back to 0.29 (under the opening threshold 0.3, above where it ends) for 100 ms, 0.45 for 200 ms
    const syllables: Shape = (t) => {
      if (t < 2000 || t > 2500) return {}
      if (t < 2050 || t > 2450) return { mouth: 0.2 }
      return { mouth: t >= 2200 && t < 2300 ? 0.29 : 0.45 }
    }
    for (const fps of [15, 25, 30]) expect({ fps, ev: stream(4000, fps, syllables) }).toEqual({ fps, ev: [] })
    // the same 400 ms held without the dip is an opening
    const held: Shape = (t) => (t < 2000 || t > 2500 ? {} : t < 2050 || t > 2450 ? { mouth: 0.2 } : { mouth: 0.45 })
    for (const fps of [15, 25, 30]) expect({ fps, ev: stream(4000, fps, held).map((e) => e.action) }).toEqual({ fps, ev: ['mouth_open'] })
  })

  test('the hold is timed from where the opening crossed the threshold, not from the frame before: a blurred 15 fps syllable is not held', () => {
    // 15 fps, threshold 0.3. A syllable seen through a long exposure: rest 0.1, then 0.31 (barely open, the blend
    // of a closed and an open frame), 0.5 on `wide` frames, 0.31, 0.12. Frame to frame it spans 266 ms plus two
    // intervals at most, but the lips were past 0.3 for only ~270 ms of it.
    const syllable = (wide: number): Shape => (t) => {
      const n = Math.round((t * 15) / 1000) - 30
      if (n < 0 || n > wide + 2) return {}
      return { mouth: n === 0 ? 0.1 : n === 1 || n === wide + 1 ? 0.31 : n === wide + 2 ? 0.12 : 0.5 }
    }
    expect(stream(4000, 15, syllable(4))).toEqual([])
    // one more wide frame (another 67 ms) is an opening held 300 ms
    expect(stream(4000, 15, syllable(5)).map((e) => e.action)).toEqual(['mouth_open'])
  })

  test('at 6 fps an opening whose way in fell between frames counts when the jaw is seen closing into speech; a photo swapped back does not', () => {
    // frames every 167 ms: rest, then wide at 2000 ms with no frame on the way in, held to 2500 ms, then talking
    // (0.25: below where the opening ends, above rest) for the rest of the clip, never back to rest
    const level = (wayOut: boolean): Shape => (t) => {
      const k = Math.round(t)
      if (k < 2000) return {}
      if (k >= 2667) return { mouth: 0.25 }
      if (!wayOut) return { mouth: 0.7 }
      return { mouth: k >= 2500 ? 0.42 : k >= 2333 ? 0.5 : 0.7 }
    }
    expect(stream(4000, 6, level(true)).map((e) => e.action)).toEqual(['mouth_open'])
    expect(stream(4000, 6, level(false))).toEqual([])
  })

  test('held for a long time is reported once, without waiting for the mouth to close', () => {
    const ev = stream(8000, 15, (t) => (t >= 2000 ? { mouth: 0.03 + 0.47 * Math.min(1, (t - 2000) / 150) } : {}))
    expect(ev.map((e) => e.action)).toEqual(['mouth_open'])
  })
})

describe('head actions', () => {
  const excursion = (axis: 'yaw' | 'pitch', delta: number): Shape => (t) => {
    if (t < 2000 || t > 3000) return {}
    const k = Math.min(1, (t - 2000) / 200, (3000 - t) / 200)
    // a real nod also moves the nose tip along the face (about 1 % of an eye span per degree of Human's pitch)
    return axis === 'yaw' ? { yaw: 3 + delta * k } : { pitch: -4 + delta * k, noseDrop: 0.45 - 0.01 * delta * k }
  }
  test.each([
    ['yaw', 10, 'turn_left'],
    ['yaw', -10, 'turn_right'],
    ['pitch', 10, 'head_up'],
    ['pitch', -10, 'head_down'],
  ] as const)('%s %i deg from the frontal baseline is %s, at 10 and 30 fps', (axis, delta, action) => {
    for (const fps of [10, 30]) expect(stream(5000, fps, excursion(axis, delta)).map((e) => e.action)).toEqual([action])
  })

  test('in a session, a photo held still while the frontal baseline settles on it, then swapped for a turned one, is not a turn', () => {
    // frontal at yaw 3; the gate anchors at 1000 ms. From 1100 ms a photo 1.5 deg round, held still: it is inside the
    // band the anchored baseline follows, so about 650 ms later the baseline's median moves onto it and the excursion
    // goes from -1.5 to 0 while the angle stays put. At 2300 ms a photo 10 deg further round for 600 ms, then back:
    // no frame in between either way
    const photos = (rampMs: number): Shape => (t) => {
      if (t < 1100) return {}
      if (t < 2300 || t > 2900 + rampMs) return { yaw: 1.5 }
      return { yaw: 1.5 + 10 * (rampMs > 0 ? Math.min(1, (t - 2300) / rampMs, (2900 + rampMs - t) / rampMs) : 1) }
    }
    expect(stream(5000, 25, photos(0), 0.3, 1000).filter((e) => e.action !== 'blink')).toEqual([])
    // the same turn made by a head (150 ms on the way there and back) counts
    expect(stream(5000, 25, photos(150), 0.3, 1000).map((e) => e.action)).toEqual(['turn_left'])
  })

  test("pitch that moves without the face's geometry (an expression moving the tracker's pitch) is not a nod", () => {
    const pitchOnly = (delta: number): Shape => (t) => {
      if (t < 2000 || t > 3000) return {}
      return { pitch: -4 + delta * Math.min(1, (t - 2000) / 200, (3000 - t) / 200) }
    }
    for (const delta of [10, -10]) for (const fps of [10, 30]) expect(stream(5000, fps, pitchOnly(delta))).toEqual([])
    // without landmarks for the geometry, pitch alone decides
    const noGeometry = (delta: number): Shape => (t) => ({ ...pitchOnly(delta)(t), noseDrop: NaN })
    expect(stream(5000, 25, noGeometry(10)).map((e) => e.action)).toEqual(['head_up'])
  })

  test('a small sway (3 deg) is nothing; a slow drift of the resting pose is followed', () => {
    expect(stream(5000, 25, excursion('yaw', 3))).toEqual([])
    expect(stream(40000, 25, (t) => ({ yaw: 3 - (t / 40000) * 8 }))).toEqual([])
  })

  test('a new posture is not a nod when free-running; in a session, a head held up is', () => {
    // after 5 s at rest the chin comes up 8 deg in 300 ms, stays 1 s, then settles half-way (4 deg) and stays there
    const posture: Shape = (t) => {
      const d = t < 5000 ? 0 : t < 5300 ? (8 * (t - 5000)) / 300 : t < 6300 ? 8 : t < 6500 ? 8 - (4 * (t - 6300)) / 200 : 4
      return { pitch: -4 + d, noseDrop: 0.45 - 0.01 * d }
    }
    for (const fps of [10, 25]) expect({ fps, ev: stream(14000, fps, posture) }).toEqual({ fps, ev: [] })
    // anchored by the positioning gate at 4 s, the head held up is a head_up
    for (const fps of [10, 25]) expect({ fps, ev: stream(14000, fps, posture, 0.3, 4000).map((e) => e.action) }).toEqual({ fps, ev: ['head_up'] })
  })

  test('moving toward the camera (perspective pitch change with a 40 % larger face) is not a nod', () => {
    const approach: Shape = (t) => {
      const k = Math.max(0, Math.min(1, (t - 2000) / 1000))
      return { pitch: -4 + 7 * k, eyeSpan: 0.16 * (1 + 0.4 * k) }
    }
    expect(stream(8000, 25, approach)).toEqual([])
  })
})

describe('RollingMedian', () => {
  test('median over a time window', () => {
    const m = new RollingMedian(1000, 8)
    expect(m.median()).toBeNaN()
    ;[5, 1, 3].forEach((v, i) => m.push(i * 100, v))
    expect(m.median()).toBe(3)
    m.push(300, 10)
    expect(m.median()).toBe(4)
    m.push(1250, 7) // drops t=0, 100 and 200
    expect(m.median()).toBe(8.5) // 10 and 7 remain
    for (let i = 0; i < 20; i++) m.push(1300 + i, i) // capacity 8
    expect(m.count).toBe(8)
    expect(m.median()).toBe(15.5)
  })

  test('after every push: the median, count and span of the values a plain filter and sort keep', () => {
    // Streams like the detectors': steady frames, dropped runs, bursts, repeated and quantised values,
    // non-finite ones (ignored), a full ring; each push checked against the definition.
    let seed = 7
    const rand = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32)
    let checked = 0
    for (const [windowMs, capacity] of [[1000, 8], [2000, 128], [8000, 128], [500, 3]] as const) {
      const m = new RollingMedian(windowMs, capacity)
      const kept: { t: number; v: number }[] = []
      let t = 0
      let level = 0.3
      for (let i = 0; i < 3000; i++) {
        const r = rand()
        t += r < 0.05 ? 300 + Math.floor(rand() * 3000) : r < 0.1 ? 0 : 20 + Math.floor(rand() * 120)
        level += (rand() - 0.5) * 0.02
        const v = rand() < 0.02 ? NaN : rand() < 0.03 ? Infinity : Math.round((level + (rand() < 0.1 ? (rand() - 0.5) * 0.3 : 0)) * 1000) / 1000
        m.push(t, v)
        if (Number.isFinite(v)) {
          kept.push({ t, v })
          while (kept.length > 0 && kept[0].t < t - windowMs) kept.shift()
          if (kept.length > capacity) kept.shift()
        }
        const sorted = kept.map((k) => k.v).sort((a, b) => a - b)
        const n = sorted.length
        const median = n === 0 ? NaN : n % 2 === 1 ? sorted[n >> 1] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2
        const span = n < 2 ? 0 : kept[n - 1].t - kept[0].t
        if (m.median() !== median && !(Number.isNaN(median) && Number.isNaN(m.median()))) throw new Error(`push ${i} (window ${windowMs}, capacity ${capacity}): median ${m.median()}, expected ${median}`)
        expect([m.count, m.spanMs]).toEqual([n, span])
        checked++
      }
    }
    expect(checked).toBe(12000)
  })
})

describe('frontal pose when free-running', () => {
  test('a head swinging from side to side is credited with turns both ways, not only to one side of the swing', () => {
    // starts at the left extreme of a +-10 deg swing, 4 s a cycle, for 24 s
    const swing: Shape = (t) => ({ yaw: 3 + 10 * Math.cos((2 * Math.PI * t) / 4000) })
    for (const fps of [10, 15, 25]) {
      const ev = stream(24000, fps, swing)
      const left = ev.filter((e) => e.action === 'turn_left').length
      const right = ev.filter((e) => e.action === 'turn_right').length
      expect({ fps, bothWays: left >= 4 && right >= 4 && Math.abs(left - right) <= 1 }).toEqual({ fps, bothWays: true })
    }
  })
})
