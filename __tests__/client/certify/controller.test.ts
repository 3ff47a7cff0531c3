jest.mock('@tarojs/taro', () => require('../support/taro-mock'))

/**
 * The certification flow controller (plain TS, no Taro): recorded traces replayed as the camera, a
 * fake cloud for 开始认证 / 完成认证.
 */
import { livenessEngineConfig, type CertificationResultView, type CompleteCertificationEvent } from '@/core/contracts/certification'
import { fail, ok, type Result } from '@/core/errors'
import { runSession, sourceFromHeader } from '@/core/liveness'
import type { ActionName } from '@/core/liveness/types'
import { CertifyController, type FlowDeps, type FlowState } from '@/packages/certify/flow/controller'
import { isRetryableFailure } from '@/services/certification'
import { failedResult, FAKE_JPEG, flush, loadTrace, passedResult, ReplaySource, session, type Clip } from './support'

const noTimers = { setInterval: () => 0, clearInterval: () => undefined }

function setup(opts: {
  clip?: Clip
  challenge?: ActionName[]
  evidenceFrames?: number
  complete?: (e: CompleteCertificationEvent) => Promise<Result<CertificationResultView>>
  start?: () => ReturnType<FlowDeps['start']>
  source?: ReplaySource
}) {
  const trace = loadTrace(opts.clip ?? 'cap13_edit2')
  const source = opts.source ?? new ReplaySource(trace)
  const challenge = opts.challenge ?? ['blink', 'turn_left']
  const start = jest.fn(opts.start ?? (async () => ok(session(challenge, { evidenceFrames: opts.evidenceFrames ?? 2 }))))
  const complete = jest.fn(opts.complete ?? (async () => ok(passedResult)))
  const said: Array<[string | readonly string[], string]> = []
  const deps: FlowDeps = {
    start,
    complete,
    createSource: async () => source,
    say: (t, k) => said.push([t, k]),
    isRetryable: isRetryableFailure,
    timers: noTimers,
    evidenceWaitMs: 50,
  }
  const controller = new CertifyController(deps)
  const states: FlowState[] = []
  controller.subscribe((s) => states.push(s))
  return { controller, source, start, complete, said, states, trace, challenge }
}

describe('CertifyController', () => {
  test('a real face trace reaches passed → completeCertification gets the engine summary, then done', async () => {
    const t = setup({ evidenceFrames: 3 })
    await t.controller.begin()
    expect(t.controller.getState().stage).toBe('opening')
    t.source.play()
    await flush()
    expect(t.complete).toHaveBeenCalledTimes(1)
    const sent = t.complete.mock.calls[0][0]
    // the same verdict and summary the engine reaches on the same frames with the session's timing
    const expected = runSession(sourceFromHeader(t.trace.header), t.trace.frames, t.challenge, livenessEngineConfig(session(t.challenge).livenessConfig))
    expect(expected.verdict.passed).toBe(true)
    expect(sent.verdict).toEqual({ passed: true, reason: null })
    expect(sent.summary).toEqual(expected.verdict.summary)
    expect(sent.sessionId).toBe(session(t.challenge).sessionId)
    expect(sent.nonce).toBe(session(t.challenge).nonce)
    // evidence (evidenceFrames = 3): the neutral frame when positioning ended, then each action's frame
    // at its peak (asked for after the engine reported it), each with its moment on the session's axis
    const positioned = expected.events.find((e) => e.type === 'prompt' && e.phase === 'action')?.t
    expect(sent.evidence).toEqual({
      frames: [FAKE_JPEG, FAKE_JPEG, FAKE_JPEG],
      moments: [
        { t: positioned, step: -1 },
        { t: expected.verdict.actions[0].peakMs, step: 0 },
        { t: expected.verdict.actions[1].peakMs, step: 1 },
      ],
    })
    expect(t.source.askedAt).toEqual([positioned, expected.verdict.actions[0].peakMs, expected.verdict.actions[1].peakMs])
    expect(t.source.captures).toBe(3)
    const s = t.controller.getState()
    expect(s.stage).toBe('done')
    expect(s.result).toEqual(passedResult)
    expect(t.source.stopped).toBeGreaterThan(0)
    expect(t.start).toHaveBeenCalledTimes(1)
  })

  test('state changes only on engine events: a whole 765-frame trace causes a handful of updates', async () => {
    const t = setup({})
    await t.controller.begin()
    const before = t.states.length
    const pushed = t.source.play()
    await flush()
    expect(pushed).toBeGreaterThan(500)
    expect(t.controller.framesSeen).toBeGreaterThan(500)
    expect(t.states.length - before).toBeLessThan(15)
    // no frame or point array ever lands in the state
    for (const s of t.states) for (const v of Object.values(s)) expect(Array.isArray(v)).toBe(false)
  })

  test('every step is spoken with all it shows: the prompt, the caption that says more (whose left), which action of how many', async () => {
    const t = setup({})
    await t.controller.begin()
    t.source.play()
    await flush()
    const steps = t.said.filter(([, k]) => k === 'prompt' || k === 'status')
    expect(steps.slice(0, 3)).toEqual([
      // positioning passes: the first action's instruction does not wait for it
      [['请把脸放进框内，正对屏幕'], 'status'],
      [['请眨眨眼', '第 1 个动作，共 2 个'], 'prompt'],
      [['请向左转头', '第 2 个动作，共 2 个', '向您自己的左边转头'], 'prompt'],
    ])
  })

  test('a retry after the attempt ran out says 不着急，再做一次 before the prompt again', async () => {
    const t = setup({ clip: 'franck', complete: async () => ok(failedResult(1)) })
    await t.controller.begin()
    t.source.play()
    await flush()
    const prompts = t.said.filter(([, k]) => k === 'prompt').map(([x]) => x as readonly string[])
    const retry = prompts.find((p) => p[0] === '不着急，再做一次')
    // franck blinks, but never turns left
    expect(retry).toEqual(['不着急，再做一次', '请向左转头', '第 2 个动作，共 2 个', '向您自己的左边转头'])
  })

  test('a source that cannot go back to the peak (no ring): no evidence that could not be bound is sent', async () => {
    const t = setup({ evidenceFrames: 3 })
    t.source.ring = false
    await t.controller.begin()
    t.source.play()
    await flush()
    expect(t.source.askedAt).toHaveLength(3)
    expect(t.complete.mock.calls[0][0].verdict.passed).toBe(true)
    expect(t.complete.mock.calls[0][0].evidence).toBeUndefined()
  })

  test('evidenceFrames 0 (weapp default): no capture, no evidence field', async () => {
    const t = setup({ evidenceFrames: 0 })
    await t.controller.begin()
    t.source.play()
    await flush()
    expect(t.source.captures).toBe(0)
    expect(t.complete.mock.calls[0][0].evidence).toBeUndefined()
  })

  test('a trace that does not do the actions fails → the failed verdict is sent and the result says why', async () => {
    const t = setup({ clip: 'franck', complete: async () => ok(failedResult(1)) })
    await t.controller.begin()
    t.source.play()
    await flush()
    const sent = t.complete.mock.calls[0][0]
    // the action it waited for travels with the verdict, so the answer can say which and what to try
    expect(sent.verdict).toEqual({ passed: false, reason: 'timeout', missedAction: 'turn_left' })
    expect(t.controller.getState().stage).toBe('done')
    expect(t.controller.getState().result?.reasonText).toBe('时间到了，没有完成动作，请再试一次')
  })

  test('network failure while completing → 重试 sends the SAME payload, never a new session', async () => {
    let calls = 0
    const t = setup({
      complete: async () => (++calls === 1 ? fail('SERVICE_UNAVAILABLE') : ok(passedResult)),
    })
    await t.controller.begin()
    t.source.play()
    await flush()
    expect(t.controller.getState().stage).toBe('submit_failed')
    expect(t.controller.getState().error?.message).toBe('服务暂时不可用，请稍后再试')
    const first = t.complete.mock.calls[0][0]
    await t.controller.retrySubmit()
    expect(t.complete).toHaveBeenCalledTimes(2)
    expect(t.complete.mock.calls[1][0]).toBe(first)
    expect(JSON.stringify(t.complete.mock.calls[1][0])).toBe(JSON.stringify(first))
    expect(t.start).toHaveBeenCalledTimes(1)
    expect(t.controller.getState().stage).toBe('done')
  })

  test('a thrown transport error is treated as a network failure too', async () => {
    let calls = 0
    const t = setup({
      complete: async () => {
        if (++calls === 1) throw new Error('socket hang up')
        return ok(passedResult)
      },
    })
    await t.controller.begin()
    t.source.play()
    await flush()
    expect(t.controller.getState().stage).toBe('submit_failed')
    await t.controller.retrySubmit()
    expect(t.controller.getState().stage).toBe('done')
  })

  test('an expired session is refused with 本次认证已超时，请重新开始 (start again, not retry)', async () => {
    const t = setup({ complete: async () => fail('SESSION_EXPIRED') })
    await t.controller.begin()
    t.source.play()
    await flush()
    const s = t.controller.getState()
    expect(s.stage).toBe('refused')
    expect(s.error?.message).toBe('本次认证已超时，请重新开始')
    await t.controller.retrySubmit() // not offered: does nothing
    expect(t.complete).toHaveBeenCalledTimes(1)
  })

  test('start refused (not bound) → start_failed with the message; no camera opened', async () => {
    const src = new ReplaySource(loadTrace('cap13_edit2'))
    const t = setup({ start: async () => fail('NOT_BOUND'), source: src })
    await t.controller.begin()
    expect(t.controller.getState().stage).toBe('start_failed')
    expect(t.controller.getState().error?.code).toBe('NOT_BOUND')
    expect(src.handlers).toBeNull()
  })

  test.each([
    ['tracker_unsupported', 'unsupported'],
    ['camera_denied', 'camera_denied'],
    ['camera_unavailable', 'camera_unavailable'],
  ] as const)('source cannot start (%s) → %s, nothing submitted', async (failure, stage) => {
    const src = new ReplaySource(loadTrace('cap13_edit2'), { ok: false, failure })
    const t = setup({ source: src })
    await t.controller.begin()
    expect(t.controller.getState().stage).toBe(stage)
    expect(t.complete).not.toHaveBeenCalled()
    expect(src.stopped).toBeGreaterThan(0)
  })

  test('camera lost mid-session → camera_unavailable, nothing submitted, restart opens a new session', async () => {
    const t = setup({})
    await t.controller.begin()
    t.source.play(100)
    t.source.fail('camera_unavailable')
    await flush()
    expect(t.controller.getState().stage).toBe('camera_unavailable')
    expect(t.complete).not.toHaveBeenCalled()
    await t.controller.begin()
    expect(t.start).toHaveBeenCalledTimes(2)
  })

  test('no frames for too long → camera_unavailable (watchdog)', async () => {
    let now = 0
    let tick: (() => void) | null = null
    const t = setup({})
    const c = new CertifyController({
      start: async () => ok(session(['blink'])),
      complete: t.complete,
      createSource: async () => t.source,
      say: () => undefined,
      isRetryable: isRetryableFailure,
      now: () => now,
      frameWatchdogMs: 5000,
      timers: { setInterval: (fn) => ((tick = fn), 1), clearInterval: () => undefined },
    })
    await c.begin()
    t.source.play(10)
    now = 6000
    tick!()
    expect(c.getState().stage).toBe('camera_unavailable')
  })

  test('dispose stops the camera and ignores a late answer', async () => {
    let release: (r: Result<CertificationResultView>) => void = () => undefined
    const t = setup({ complete: () => new Promise((r) => (release = r)) })
    await t.controller.begin()
    t.source.play()
    await flush()
    expect(t.controller.getState().stage).toBe('submitting')
    t.controller.dispose()
    release(ok(passedResult))
    await flush()
    expect(t.controller.getState().stage).toBe('submitting')
    expect(t.source.stopped).toBeGreaterThan(0)
  })
})
