/**
 * Evidence frames against the summary (server/services/evidence-checks.ts) with REAL frames of the
 * recorded clips (__tests__/fixtures/evidence, read by Human in Node exactly as the backend reads them)
 * and the summaries of the same clips' real traces: each action's peak frame shows the action relative
 * to the neutral frame; a still photo, a frame of the wrong action or direction, and frames not bound to
 * the session's moments do not pass.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { decodeSummary, type ActionEvent, type ActionName } from '../../../src/core/liveness'
import { DEFAULT_DETECTOR_CONFIG } from '../../../src/core/liveness/detectors/config'
import { HumanFaceEmbedder } from '../../../server/identity/human-node'
import { bindMoments, checkEvidence, faceObservation, PEAK_TOLERANCE_MS, type EvidenceInput } from '../../../server/services/evidence-checks'
import { observationAt, type ObservedFace } from '../../../server/services/summary-examination'
import { windowSummary } from '../helpers/clip-summary'
import { type Clip } from '../../core/liveness/helpers'

jest.setTimeout(180_000)

const FRAMES = ['cap13-neutral', 'cap13-blink', 'cap13-turn-left', 'cap13-mouth-open', 'cap12-neutral', 'cap12-turn-right', 'cap12-head-down', 'cap12-head-up'] as const
type FrameName = (typeof FRAMES)[number]
const read: Partial<Record<FrameName, ObservedFace | null>> = {}
const embedder = new HumanFaceEmbedder()

beforeAll(async () => {
  for (const name of FRAMES) {
    read[name] = faceObservation(await embedder.analyse(readFileSync(join(__dirname, '..', '..', 'fixtures', 'evidence', `${name}.jpg`))))
  }
}, 180_000)

/** The summary observation of a clip at t (as the client recorded it, 200 ms either side). */
function summaryAt(clip: Clip, t: number): ObservedFace | null {
  return observationAt(decodeSummary(windowSummary(clip, t - 200, t + 200.5, t - 200)), t)
}

/** The engine's moments (see the fixtures' PROVENANCE.md): positioning ends at 600 ms; the peaks. */
const MOMENTS: Record<Exclude<FrameName, 'cap13-neutral' | 'cap12-neutral'>, { clip: Clip; action: ActionName; peakMs: number }> = {
  'cap13-blink': { clip: 'cap13_edit2', action: 'blink', peakMs: 3960 },
  'cap13-turn-left': { clip: 'cap13_edit2', action: 'turn_left', peakMs: 20320 },
  'cap13-mouth-open': { clip: 'cap13_edit2', action: 'mouth_open', peakMs: 15880 },
  'cap12-turn-right': { clip: 'cap12_edit', action: 'turn_right', peakMs: 19920 },
  'cap12-head-down': { clip: 'cap12_edit', action: 'head_down', peakMs: 23000 },
  'cap12-head-up': { clip: 'cap12_edit', action: 'head_up', peakMs: 24400 },
}
const NEUTRAL_MS = 600

/** A one-action session of `moment`'s clip, with the given frames at the neutral and peak moments. */
function session(moment: keyof typeof MOMENTS, frames: { neutral: FrameName; action: FrameName }): EvidenceInput {
  const { clip, action, peakMs } = MOMENTS[moment]
  const actions: ActionEvent[] = [{ action, startMs: peakMs - 300, endMs: peakMs + 300, peakMs }]
  return {
    challenge: [action],
    actions,
    moments: [
      { t: NEUTRAL_MS, step: -1 },
      { t: peakMs, step: 0 },
    ],
    frameCount: 2,
    summaryAt: [summaryAt(clip, NEUTRAL_MS), summaryAt(clip, peakMs)],
    frames: [read[frames.neutral] ?? null, read[frames.action] ?? null],
  }
}

const neutralOf = (m: keyof typeof MOMENTS): FrameName => (MOMENTS[m].clip === 'cap13_edit2' ? 'cap13-neutral' : 'cap12-neutral')

describe('evidence frames of a genuine session show what the summary says', () => {
  it('Human in Node finds a face and the 478 points in every fixture frame', () => {
    for (const name of FRAMES) expect({ name, read: read[name] !== null }).toEqual({ name, read: true })
  })

  it.each(Object.keys(MOMENTS) as (keyof typeof MOMENTS)[])('%s at its peak, relative to the neutral frame → passes', (moment) => {
    expect(checkEvidence(session(moment, { neutral: neutralOf(moment), action: moment }))).toEqual({ ok: true, frames: 2 })
  })

  it('a shallow blink of a slow camera passes: the engine accepts a deepest frame at 0.86 x open at 7.5 fps, and that frame is the evidence', () => {
    const input = session('cap13-blink', { neutral: 'cap13-neutral', action: 'cap13-blink' })
    const [fN, sN] = [input.frames[0]!, input.summaryAt[0]!]
    const at = (f: ObservedFace, k: number, like: ObservedFace): ObservedFace => ({ ...like, earLeft: f.earLeft * k, earRight: f.earRight * k })
    const withPeak = (k: number) => ({ ...input, frames: [fN, at(fN, k, input.frames[1]!)], summaryAt: [sN, at(sN, k, input.summaryAt[1]!)] })
    expect(checkEvidence(withPeak(DEFAULT_DETECTOR_CONFIG.blink.slowDepthRatio))).toEqual({ ok: true, frames: 2 })
    // eyes barely narrowed (a photo with the eyes a little less open) are not a blink
    expect(checkEvidence(withPeak(0.95))).toMatchObject({ ok: false, problem: 'contradicts', findings: [expect.objectContaining({ action: 'blink', check: 'eyes_not_closed' })] })
  })

  it('a two-action session (blink, turn_left) with its three frames passes', () => {
    const blink = session('cap13-blink', { neutral: 'cap13-neutral', action: 'cap13-blink' })
    const turn = session('cap13-turn-left', { neutral: 'cap13-neutral', action: 'cap13-turn-left' })
    const input: EvidenceInput = {
      challenge: ['blink', 'turn_left'],
      actions: [...blink.actions, ...turn.actions],
      moments: [blink.moments![0], blink.moments![1], { t: turn.moments![1].t, step: 1 }],
      frameCount: 3,
      summaryAt: [blink.summaryAt[0], blink.summaryAt[1], turn.summaryAt[1]],
      frames: [read['cap13-neutral']!, read['cap13-blink']!, read['cap13-turn-left']!],
    }
    expect(checkEvidence(input)).toEqual({ ok: true, frames: 3 })
  })
})

describe('evidence that contradicts the summary is refused', () => {
  it.each(Object.keys(MOMENTS) as (keyof typeof MOMENTS)[])('%s: a still photo (the neutral frame again) at the peak → contradicts', (moment) => {
    const res = checkEvidence(session(moment, { neutral: neutralOf(moment), action: neutralOf(moment) }))
    expect(res).toMatchObject({ ok: false, problem: 'contradicts' })
    const expected = { blink: 'eyes_not_closed', mouth_open: 'mouth_not_open' }[MOMENTS[moment].action as string] ?? 'not_turned'
    expect(res.ok ? [] : 'findings' in res ? res.findings.map((f) => f.check) : []).toContain(expected)
  })

  it('a turn the wrong way (his right at the turn_left peak) → wrong_direction', () => {
    const res = checkEvidence(session('cap13-turn-left', { neutral: 'cap13-neutral', action: 'cap12-turn-right' }))
    expect(res).toMatchObject({ ok: false, problem: 'contradicts', findings: expect.arrayContaining([expect.objectContaining({ action: 'turn_left', check: 'wrong_direction' })]) })
  })

  it('the head-up frame at the head_down peak, the mouth frame at the blink peak → refused', () => {
    expect(checkEvidence(session('cap12-head-down', { neutral: 'cap12-neutral', action: 'cap12-head-up' }))).toMatchObject({ ok: false, problem: 'contradicts' })
    expect(checkEvidence(session('cap13-blink', { neutral: 'cap13-neutral', action: 'cap13-mouth-open' }))).toMatchObject({ ok: false, problem: 'contradicts' })
  })

  it('a neutral frame that is not neutral (eyes closed) or whose pose disagrees with the summary → refused', () => {
    expect(checkEvidence(session('cap13-turn-left', { neutral: 'cap13-blink', action: 'cap13-turn-left' }))).toMatchObject({
      ok: false,
      findings: expect.arrayContaining([expect.objectContaining({ action: 'neutral', check: 'not_neutral' })]),
    })
    const input = session('cap13-blink', { neutral: 'cap13-neutral', action: 'cap13-blink' })
    const turned = { ...input, frames: [read['cap13-turn-left']!, input.frames[1]] }
    expect(checkEvidence(turned)).toMatchObject({ ok: false, problem: 'contradicts' })
  })

  it('a frame without a face is unreadable (the identity check says no_face), not a tamper', () => {
    const input = session('cap13-blink', { neutral: 'cap13-neutral', action: 'cap13-blink' })
    expect(checkEvidence({ ...input, frames: [input.frames[0], null] })).toEqual({ ok: false, problem: 'unreadable', steps: [0] })
  })
})

describe('frames must be bound to the session moments', () => {
  const actions: ActionEvent[] = [
    { action: 'blink', startMs: 3700, endMs: 4200, peakMs: 3960 },
    { action: 'turn_left', startMs: 20000, endMs: 21000, peakMs: 20320 },
  ]
  const good = [
    { t: 600, step: -1 },
    { t: 3960, step: 0 },
    { t: 20320, step: 1 },
  ]
  it('accepts one frame per step, each near its peak', () => {
    expect(bindMoments(2, actions, good, 3)).toMatchObject({ ok: true })
    expect(bindMoments(2, actions, [good[0], good[1], { t: 20320 + PEAK_TOLERANCE_MS, step: 1 }], 3)).toMatchObject({ ok: true })
  })
  it.each([
    ['no moments', undefined, 3, 'moments_missing'],
    ['fewer moments than frames', good.slice(0, 2), 3, 'moments_missing'],
    ['no neutral frame', [good[1], good[2], { t: 5000, step: 1 }], 3, 'moment_repeated'],
    ['neutral missing', [good[1], good[2]], 2, 'neutral_missing'],
    ['an action frame away from its peak', [good[0], good[1], { t: 20320 + PEAK_TOLERANCE_MS + 1, step: 1 }], 3, 'step_1_not_at_peak'],
    ['an action missing', [good[0], good[1]], 2, 'step_1_missing'],
    ['the neutral frame taken after the first action began', [{ t: 3800, step: -1 }, good[1], good[2]], 3, 'neutral_after_action'],
  ] as const)('%s → unbound (%s)', (_name, moments, count, detail) => {
    expect(bindMoments(2, actions, moments as never, count)).toEqual({ ok: false, detail })
  })
})
