/** The pure checks behind 完成认证: challenge picking, trace timing, summary digest, verdict comparison. */
import { runSession, sourceFromHeader, ACTION_NAMES, SUMMARY_FIELDS, SUMMARY_VERSION, type ObservationSummary } from '../../../src/core/liveness'
import { livenessEngineConfig } from '../../../src/core/contracts/certification'
import { createHash } from 'node:crypto'
import { checkTrace, contentDigest, pickChallenge, summaryContent, summaryDigest, summaryFromContent, verdictAgrees, MIN_FRAMES, SPAN_TOLERANCE_MS } from '../../../server/services/certification-checks'
import { loadTrace } from '../../core/liveness/helpers'

const trace = loadTrace('cap13_edit2')
const genuine = runSession(sourceFromHeader(trace.header), trace.frames, ['blink', 'turn_left'], livenessEngineConfig()).verdict
const limits = { lifetimeMs: 300_000, elapsedMs: 25_000, minFps: 5, maxFps: 60 }
const copy = (s: ObservationSummary): ObservationSummary => JSON.parse(JSON.stringify(s))

describe('pickChallenge', () => {
  it('takes `count` different actions from the set, every order possible', () => {
    const seen = new Set<string>()
    for (let i = 0; i < 400; i++) {
      const c = pickChallenge(ACTION_NAMES, 2)
      expect(new Set(c).size).toBe(2)
      seen.add(c.join(','))
    }
    expect(seen.size).toBe(30) // 6 × 5 ordered pairs
    expect(pickChallenge(['blink', 'head_up'], 2, () => 0)).toEqual(['blink', 'head_up'])
    expect(pickChallenge(ACTION_NAMES, 6).slice().sort()).toEqual([...ACTION_NAMES].sort())
    expect(() => pickChallenge(ACTION_NAMES, 7)).toThrow(RangeError)
  })
})

describe('checkTrace', () => {
  it('accepts a real recording: 526 frames over 21 s at 25 fps', () => {
    expect(checkTrace(genuine.summary, limits)).toEqual({ ok: true, facts: { frames: 526, spanMs: 21000, fps: 25 } })
  })

  it('refuses a span longer than the time that passed (beyond the tolerance) or than the lifetime', () => {
    expect(checkTrace(genuine.summary, { ...limits, elapsedMs: 21000 - SPAN_TOLERANCE_MS })).toMatchObject({ ok: true })
    expect(checkTrace(genuine.summary, { ...limits, elapsedMs: 21000 - SPAN_TOLERANCE_MS - 1 })).toMatchObject({ ok: false, problem: 'longer_than_elapsed' })
    expect(checkTrace(genuine.summary, { ...limits, lifetimeMs: 20000 })).toMatchObject({ ok: false, problem: 'longer_than_lifetime' })
  })

  it('refuses timestamps that do not increase, implausible frame rates, too few frames and bad shapes', () => {
    const flat = copy(genuine.summary)
    flat.data[SUMMARY_FIELDS.length * 3] = 0
    expect(checkTrace(flat, limits)).toMatchObject({ ok: false, problem: 'not_monotonic' })
    const back = copy(genuine.summary)
    back.data[SUMMARY_FIELDS.length * 3] = -40
    expect(checkTrace(back, limits)).toMatchObject({ ok: false, problem: 'shape' })
    expect(checkTrace(genuine.summary, { ...limits, minFps: 30 })).toMatchObject({ ok: false, problem: 'frame_rate' })
    expect(checkTrace(genuine.summary, { ...limits, maxFps: 20 })).toMatchObject({ ok: false, problem: 'frame_rate' })
    const short = copy(genuine.summary)
    short.n = MIN_FRAMES - 1
    short.data = short.data.slice(0, short.n * SUMMARY_FIELDS.length)
    expect(checkTrace(short, limits)).toMatchObject({ ok: false, problem: 'too_short' })
    expect(checkTrace({ v: SUMMARY_VERSION, layout: 'x', n: 3, data: [] } as ObservationSummary, limits)).toMatchObject({ ok: false, problem: 'shape' })
  })
})

describe('summaryDigest', () => {
  it('is stable across JSON and changes with any value', () => {
    const d = summaryDigest(genuine.summary)
    expect(summaryDigest(copy(genuine.summary))).toBe(d)
    const other = copy(genuine.summary)
    other.data[0] = (other.data[0] as number) + 1
    expect(summaryDigest(other)).not.toBe(d)
  })

  it('is the sha256 of JSON [v, layout, n, data], as stored digests were taken (so a summary used before is still found)', () => {
    const s = genuine.summary
    expect(summaryDigest(s)).toBe(createHash('sha256').update(JSON.stringify([s.v, s.layout, s.n, s.data])).digest('hex'))
  })
})

describe('summaryContent (the text hashed and sent to the worker)', () => {
  it('gives the same summary back, nulls and large start times included, and the same digest', () => {
    const s = copy(genuine.summary)
    s.data[0] = 1_733_472_000_000
    s.data[2] = null
    const content = summaryContent(s)
    expect(summaryFromContent(content)).toEqual(s)
    expect(contentDigest(content)).toBe(summaryDigest(s))
  })

  it('drops anything but the four fields', () => {
    const extra = { ...copy(genuine.summary), note: 'x' } as ObservationSummary
    expect(Object.keys(summaryFromContent(summaryContent(extra))).sort()).toEqual(['data', 'layout', 'n', 'v'])
  })
})

describe('verdictAgrees', () => {
  it('needs the same pass/fail, and the same reason when the client states one', () => {
    expect(verdictAgrees({ passed: true }, genuine)).toBe(true)
    expect(verdictAgrees({ passed: false, reason: 'timeout' }, genuine)).toBe(false)
    const failed = { ...genuine, passed: false, reason: 'out_of_order' as const }
    expect(verdictAgrees({ passed: false, reason: 'out_of_order' }, failed)).toBe(true)
    expect(verdictAgrees({ passed: false }, failed)).toBe(true)
    expect(verdictAgrees({ passed: false, reason: 'timeout' }, failed)).toBe(false)
    expect(verdictAgrees({ passed: true }, failed)).toBe(false)
  })
})
