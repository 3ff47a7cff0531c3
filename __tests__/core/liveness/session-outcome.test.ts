/**
 * What a failed session tells the person (issue 12, item 8): a timeout on an action names that action
 * (missedAction) and says what to try; a face in which nothing alive was seen (a photo moved about,
 * so the still rule never fires) is told no_liveness, not "time is up"; the backend's replay of the
 * summary reaches the same outcome.
 */
import { replaySummary, runSession, sourceFromHeader } from '../../../src/core/liveness/engine'
import { DEFAULT_SESSION_CONFIG } from '../../../src/core/liveness/session/config'
import { LivenessSession } from '../../../src/core/liveness/session/machine'
import { FAIL_TEXTS, MISSED_ACTION_TEXTS, failureText } from '../../../src/core/liveness/session/texts'
import { MEDIAPIPE_478 } from '../../../src/core/liveness/adapters/layouts'
import { ACTION_NAMES, emptyObservation, type ActionName, type Observation } from '../../../src/core/liveness/types'
import { loadTrace } from './helpers'

const ALLOWANCE = DEFAULT_SESSION_CONFIG.actionTimeoutMs * (1 + DEFAULT_SESSION_CONFIG.actionRetries)

/** A synthetic face at 10 fps; `edit` changes each observation (a frontal, framed face by default). */
function run(challenge: ActionName[], edit: (o: Observation, t: number) => void, ms = 60000) {
  const s = new LivenessSession({ challenge, tuning: MEDIAPIPE_478.tuning, layout: MEDIAPIPE_478.name })
  const verdicts = []
  for (let t = 0; t <= ms && !s.verdict; t += 100) {
    const o = emptyObservation()
    Object.assign(o, { t, faceCount: 1, earLeft: 0.3, earRight: 0.3, mouth: 0.05, yaw: 0, pitch: 0, roll: 0, boxX: 0.3, boxY: 0.25, boxW: 0.4, boxH: 0.5, faceSize: 0.4, eyeSpan: 0.16 })
    edit(o, t)
    for (const e of s.push(o)) if (e.type === 'verdict') verdicts.push({ ...e })
  }
  return { verdict: s.verdict ?? s.finish(), events: verdicts }
}

describe('the words for each outcome', () => {
  test('every action has its own advice: the reason before ：, what to try after it, in no hurry', () => {
    for (const a of ACTION_NAMES) {
      const text = MISSED_ACTION_TEXTS[a]
      expect(text).toMatch(/^没有看到[^：]+：请.+(慢慢来|慢一点)$/)
      expect(failureText('timeout', a)).toBe(text)
    }
    expect(MISSED_ACTION_TEXTS.head_down).toBe('没有看到低头：请把头再低一点，慢慢来')
    expect(MISSED_ACTION_TEXTS.blink).toBe('没有看到眨眼：请眨一下眼睛，慢一点')
  })

  test('other reasons keep their own text, whatever action was waited for; a timeout without one keeps the plain text', () => {
    expect(failureText('no_liveness', 'blink')).toBe(FAIL_TEXTS.no_liveness)
    expect(failureText('face_lost', 'turn_left')).toBe(FAIL_TEXTS.face_lost)
    expect(failureText('timeout', null)).toBe(FAIL_TEXTS.timeout)
    expect(failureText('timeout', 'nod' as ActionName)).toBe(FAIL_TEXTS.timeout)
  })
})

describe('a real person who does not do the asked action', () => {
  // cap13 blinks on its own but never turns right: the turn is what was missed.
  test('timeout names the missed action, in the verdict and in its event text; the replay agrees', () => {
    const trace = loadTrace('cap13_edit2')
    const { events, verdict } = runSession(sourceFromHeader(trace.header), trace.frames, ['head_up'], { actionTimeoutMs: 8000, actionRetries: 0 })
    expect(verdict).toMatchObject({ passed: false, reason: 'timeout', missedAction: 'head_up' })
    expect(events[events.length - 1]).toMatchObject({ type: 'verdict', reason: 'timeout', missedAction: 'head_up', text: MISSED_ACTION_TEXTS.head_up })
    const replay = replaySummary(JSON.parse(JSON.stringify(verdict.summary)), ['head_up'], { actionTimeoutMs: 8000, actionRetries: 0 })
    expect(replay.reason).toBe('timeout')
    expect(replay.missedAction).toBe('head_up')
  })

  test('the second action missed after the first was done: the second is named', () => {
    // A synthetic face that blinks once after the actions began, then does nothing but breathe.
    const { verdict, events } = run(['blink', 'turn_right'], (o, t) => {
      if (t >= 3000 && t < 3200) (o.earLeft = 0.08), (o.earRight = 0.08)
      o.boxX += Math.sin(t / 700) * 0.02 // breathing: never still
    })
    expect(verdict.actions.map((a) => a.action)).toEqual(['blink'])
    expect(verdict).toMatchObject({ reason: 'timeout', missedAction: 'turn_right' })
    expect(events[0].text).toBe(MISSED_ACTION_TEXTS.turn_right)
  })
})

describe('nothing alive seen', () => {
  test('a photo moved about in front of the camera (never still, never an action): no_liveness at the end of the allowance', () => {
    const { verdict, events } = run(['head_down'], (o, t) => {
      // a hand holding a print: the whole face sways, nothing inside it moves
      o.boxX += Math.sin(t / 500) * 0.03
      o.boxY += Math.cos(t / 650) * 0.02
    })
    expect(verdict.actions).toEqual([])
    expect(verdict).toMatchObject({ passed: false, reason: 'no_liveness', missedAction: 'head_down' })
    expect(verdict.endMs).toBeGreaterThan(ALLOWANCE)
    expect(events[0].text).toBe(FAIL_TEXTS.no_liveness)
  })

  test('positioning that runs out of time is a timeout with no action named', () => {
    const { verdict } = run(['blink'], (o) => {
      o.yaw = 40 // never frontal
    })
    expect(verdict).toMatchObject({ passed: false, reason: 'timeout', missedAction: null })
    expect(verdict.endMs).toBeGreaterThan(DEFAULT_SESSION_CONFIG.positioningTimeoutMs)
  })
})
