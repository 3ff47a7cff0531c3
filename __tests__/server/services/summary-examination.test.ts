/**
 * The summary fingerprint (src/core/liveness/fingerprint.ts) and the examination the worker runs
 * (server/services/summary-examination.ts), on REAL face traces (__tests__/fixtures/liveness):
 *  - a re-timed / lightly edited / thinned / padded / shifted copy of a summary is the same recording;
 *  - different windows of the real clips (cap12 and cap13 are the same person) are not.
 */
import fc from 'fast-check'
import { DEFAULT_LIVENESS_TIMING } from '../../../src/core/contracts/certification'
import { type ActionName } from '../../../src/core/liveness'
import {
  FINGERPRINT_REUSE_THRESHOLD,
  decodeFingerprint,
  encodeFingerprint,
  fingerprintSimilarity,
  fingerprintSummary,
  type SummaryFingerprint,
} from '../../../src/core/liveness/fingerprint'
import { decodeSummary, SUMMARY_FIELDS, type ObservationSummary } from '../../../src/core/liveness/summary'
import { examineSummary, examineSummaryTask } from '../../../server/services/summary-examination'
import { summaryContent } from '../../../server/services/certification-checks'
import { windowSummary } from '../helpers/clip-summary'
import { rng, type Clip } from '../../core/liveness/helpers'

jest.setTimeout(120_000)

const N = SUMMARY_FIELDS.length


type Frame = (number | null)[]
const framesOf = (s: ObservationSummary): Frame[] => Array.from({ length: s.n }, (_, i) => s.data.slice(i * N, i * N + N))
const summaryOf = (s: ObservationSummary, frames: Frame[]): ObservationSummary => ({ ...s, n: frames.length, data: frames.flat() })

/** The edits an attacker makes to an earlier summary, each driven by a seed. */
const EDITS = {
  /** Every dt multiplied by one factor (0.92–0.97 or 1.03–1.08: replayed faster or slower). */
  scaleDt: (s: ObservationSummary, r: () => number) => {
    const k = (r() < 0.5 ? 0.92 : 1.03) + r() * 0.05
    return summaryOf(s, framesOf(s).map((f, i) => (i === 0 ? f : [Math.max(1, Math.round((f[0] as number) * k)), ...f.slice(1)])))
  },
  /** Every dt moved by up to ±10 ms. */
  jitterDt: (s: ObservationSummary, r: () => number) =>
    summaryOf(s, framesOf(s).map((f, i) => (i === 0 ? f : [Math.max(1, (f[0] as number) + Math.round((r() - 0.5) * 20)), ...f.slice(1)]))),
  /** The first absolute time changed (the whole thing time-shifted). */
  shift: (s: ObservationSummary, r: () => number) => summaryOf(s, framesOf(s).map((f, i) => (i === 0 ? [(f[0] as number) + 1 + Math.floor(r() * 100_000), ...f.slice(1)] : f))),
  /** A few values edited (8 values moved by a lot). */
  editValues: (s: ObservationSummary, r: () => number) => {
    const frames = framesOf(s)
    for (let k = 0; k < 8; k++) {
      const f = frames[Math.floor(r() * frames.length)]
      const c = 2 + Math.floor(r() * 6)
      if (f[c] !== null) f[c] = (f[c] as number) + (r() < 0.5 ? -40 : 40)
    }
    return summaryOf(s, frames)
  },
  /** About a fifth of the frames dropped (their time added to the next). */
  dropFrames: (s: ObservationSummary, r: () => number) => {
    const out: Frame[] = []
    let carry = 0
    framesOf(s).forEach((f, i) => {
      if (i > 0 && i < s.n - 1 && r() < 0.2) {
        carry += f[0] as number
        return
      }
      out.push(i === 0 ? f : [(f[0] as number) + carry, ...f.slice(1)])
      carry = 0
    })
    return summaryOf(s, out)
  },
  /** About a fifth of the frames duplicated (the dt split in two). */
  duplicateFrames: (s: ObservationSummary, r: () => number) => {
    const out: Frame[] = []
    framesOf(s).forEach((f, i) => {
      const dt = f[0] as number
      if (i > 0 && dt >= 2 && r() < 0.2) out.push([Math.floor(dt / 2), ...f.slice(1)], [dt - Math.floor(dt / 2), ...f.slice(1)])
      else out.push(f)
    })
    return summaryOf(s, out)
  },
  /** The first 2–4 s cut off. */
  cropStart: (s: ObservationSummary, r: () => number) => {
    const frames = framesOf(s)
    let t = 0
    let i = 0
    const cut = 2000 + r() * 2000
    while (i < frames.length - 1 && t < cut) t += frames[++i][0] as number
    return summaryOf(s, [[(frames[0][0] as number) + t, ...frames[i].slice(1)], ...frames.slice(i + 1)])
  },
} as const
type EditName = keyof typeof EDITS

const score = (a: ObservationSummary, b: ObservationSummary) => fingerprintSimilarity(fingerprintSummary(a), fingerprintSummary(b)).score

/** 20 s windows of the real clips: the same recording, re-timed, is what a replay attack looks like. */
const ORIGINALS: { name: string; s: ObservationSummary }[] = [
  { name: 'cap13 0–20 s', s: windowSummary('cap13_edit2', 0, 20_000, 1234) },
  { name: 'cap12 20–40 s', s: windowSummary('cap12_edit', 20_000, 40_000, 77) },
  { name: 'franck 10–30 s', s: windowSummary('franck', 10_000, 30_000, 5) },
]

describe('summary fingerprint: the same recording, re-timed or lightly edited', () => {
  it.each(Object.keys(EDITS) as EditName[])('%s keeps a copy above the reuse threshold (property, real traces)', (edit) => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: ORIGINALS.length - 1 }), fc.integer({ min: 1, max: 2 ** 31 - 1 }), (which, seed) => {
        const original = ORIGINALS[which].s
        const copy = EDITS[edit](original, rng(seed))
        expect(copy).not.toEqual(original)
        expect(score(copy, original)).toBeGreaterThanOrEqual(FINGERPRINT_REUSE_THRESHOLD)
      }),
      { numRuns: 25 },
    )
  })

  it('every edit at once (scaled, jittered, shifted, edited, thinned, duplicated, cropped) is still the same recording', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: ORIGINALS.length - 1 }), fc.integer({ min: 1, max: 2 ** 31 - 1 }), (which, seed) => {
        const r = rng(seed)
        let s = ORIGINALS[which].s
        for (const edit of ['scaleDt', 'jitterDt', 'editValues', 'dropFrames', 'duplicateFrames', 'cropStart', 'shift'] as EditName[]) s = EDITS[edit](s, r)
        expect(score(s, ORIGINALS[which].s)).toBeGreaterThanOrEqual(FINGERPRINT_REUSE_THRESHOLD)
      }),
      { numRuns: 20 },
    )
  })

  it('is symmetric enough: the original against its copy and the copy against the original both match', () => {
    const a = ORIGINALS[0].s
    const b = EDITS.scaleDt(EDITS.dropFrames(a, rng(3)), rng(4))
    expect(score(a, b)).toBeGreaterThanOrEqual(FINGERPRINT_REUSE_THRESHOLD)
    expect(score(b, a)).toBeGreaterThanOrEqual(FINGERPRINT_REUSE_THRESHOLD)
  })
})

describe('summary fingerprint: genuinely different sessions of the same person are not flagged', () => {
  // Non-overlapping windows of the real clips: cap12 and cap13 are the same person, franck another.
  const windows: { name: string; s: ObservationSummary }[] = []
  for (const [clip, len] of [['cap12_edit', 53_000], ['cap13_edit2', 30_000], ['franck', 40_000]] as [Clip, number][]) {
    for (let a = 0; a + 10_000 <= len; a += 10_000) windows.push({ name: `${clip}@${a / 1000}s`, s: windowSummary(clip, a, a + 10_000, 1000 + a) })
  }

  it('no pair of 10 s windows (cap12 × cap13 × franck, 66 pairs) reaches the threshold; the closest stays well below', () => {
    const fps = windows.map((w) => fingerprintSummary(w.s))
    const scores: { pair: string; score: number }[] = []
    for (let i = 0; i < windows.length; i++) {
      for (let j = i + 1; j < windows.length; j++) scores.push({ pair: `${windows[i].name} × ${windows[j].name}`, score: fingerprintSimilarity(fps[i], fps[j]).score })
    }
    expect(scores).toHaveLength(66)
    const worst = scores.reduce((a, b) => (b.score > a.score ? b : a))
    // measured: worst 0.50 (cap12@0s × cap13@0s), median ≈ 0.23; threshold 0.6
    expect(worst.score).toBeLessThan(FINGERPRINT_REUSE_THRESHOLD)
  })

  it('a 20 s session of cap13 against 20 s of cap12 (the same person another day) is not a reuse', () => {
    expect(score(windowSummary('cap13_edit2', 0, 20_000), windowSummary('cap12_edit', 0, 20_000))).toBeLessThan(FINGERPRINT_REUSE_THRESHOLD)
    expect(score(windowSummary('cap12_edit', 0, 20_000), windowSummary('cap12_edit', 25_000, 45_000))).toBeLessThan(FINGERPRINT_REUSE_THRESHOLD)
  })

  it('a still face (a photo: one frame repeated with jitter) is not the same recording as the live clip', () => {
    const live = windowSummary('cap13_edit2', 0, 20_000)
    const frames = framesOf(live)
    const r = rng(9)
    const still = summaryOf(live, frames.map((f, i) => [f[0], ...frames[100].slice(1).map((v, c) => (v === null || c < 1 ? v : v + Math.round((r() - 0.5) * 4)))]).map((f, i) => (i === 0 ? [frames[0][0], ...f.slice(1)] : f)))
    expect(score(still, live)).toBeLessThan(FINGERPRINT_REUSE_THRESHOLD)
  })
})

describe('fingerprint storage', () => {
  it('encodes to text and back unchanged; foreign or damaged text decodes to undefined', () => {
    const fp = fingerprintSummary(ORIGINALS[0].s)
    const text = encodeFingerprint(fp)
    expect(text).toMatch(/^fp1:100:\d+:[A-Za-z0-9+/]+=*$/)
    const back = decodeFingerprint(text) as SummaryFingerprint
    expect(back.n).toBe(fp.n)
    expect(Array.from(back.values)).toEqual(Array.from(fp.values))
    expect(decodeFingerprint('fp2' + text.slice(3))).toBeUndefined()
    expect(decodeFingerprint(text.slice(0, -8))).toBeUndefined()
    expect(decodeFingerprint('nonsense')).toBeUndefined()
  })

  it('round-trips any int16 curve (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -32768, max: 32767 }), { minLength: 0, maxLength: 7 * 40 }).map((a) => a.slice(0, a.length - (a.length % 7))), (vals) => {
        const fp: SummaryFingerprint = { v: 1, stepMs: 100, n: vals.length / 7, values: Int16Array.from(vals) }
        expect(Array.from(decodeFingerprint(encodeFingerprint(fp))?.values ?? [])).toEqual(vals)
      }),
    )
  })
})

describe('examineSummary (what the worker thread runs)', () => {
  const challenge: ActionName[] = ['blink', 'turn_left']
  const genuine = windowSummary('cap13_edit2', 0, 30_600)

  it('replays with the session challenge, gives the peaks, the observations at given moments and the closest earlier summary', () => {
    const first = examineSummary({ summary: genuine, challenge, timing: DEFAULT_LIVENESS_TIMING, earlier: [], at: [600, 3960, 99_999] })
    expect(first.closest).toBeNull()
    expect(first.replay).toMatchObject({ passed: true, reason: null, actions: [{ action: 'blink' }, { action: 'turn_left' }] })
    const actions = 'actions' in first.replay ? first.replay.actions : []
    for (const a of actions) expect(a.peakMs).toBeGreaterThanOrEqual(a.startMs)
    expect(first.observations[0]).toMatchObject({ t: 600 })
    expect(first.observations[1]?.t).toBe(3960)
    expect(first.observations[2]).toBeNull() // no frame near
    const retimed = EDITS.shift(EDITS.scaleDt(genuine, rng(1)), rng(2))
    const other = windowSummary('cap12_edit', 0, 30_000)
    const second = examineSummary({
      summary: retimed,
      challenge,
      timing: DEFAULT_LIVENESS_TIMING,
      earlier: [
        { sessionId: 'other', fingerprint: encodeFingerprint(fingerprintSummary(other)) },
        { sessionId: 'first', fingerprint: first.fingerprint },
        { sessionId: 'broken', fingerprint: 'fp1:100:3:AAAA' },
      ],
      at: [],
    })
    expect(second.closest?.sessionId).toBe('first')
    expect(second.closest?.score).toBeGreaterThanOrEqual(FINGERPRINT_REUSE_THRESHOLD)
  })

  it('gives the same examination from the content text of the summary (what crosses to the worker)', () => {
    const input = { challenge, timing: DEFAULT_LIVENESS_TIMING, earlier: [], at: [600, 3960] }
    expect(examineSummaryTask({ ...input, summaryContent: summaryContent(genuine) })).toEqual(examineSummary({ ...input, summary: genuine }))
  })

  it('gives the first and last frame time with or without evidence moments', () => {
    const input = { summary: genuine, challenge, timing: DEFAULT_LIVENESS_TIMING, earlier: [] }
    const obs = decodeSummary(genuine)
    const span = { startMs: obs[0].t, endMs: obs[obs.length - 1].t }
    expect(examineSummary({ ...input, at: [] })).toMatchObject({ ...span, observations: [] })
    expect(examineSummary({ ...input, at: [600] })).toMatchObject(span)
    expect(examineSummary({ ...input, summary: { ...genuine, n: 0, data: [] }, at: [] })).toMatchObject({ startMs: 0, endMs: 0 })
  })

  it('reports an unreadable summary as an input error instead of throwing', () => {
    const bad = { ...genuine, layout: 'no-such-layout' }
    expect(examineSummary({ summary: bad, challenge, timing: DEFAULT_LIVENESS_TIMING, earlier: [], at: [] }).replay).toEqual({ inputError: 'LAYOUT_UNKNOWN' })
  })
})
