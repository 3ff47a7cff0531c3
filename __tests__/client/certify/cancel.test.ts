jest.mock('@tarojs/taro', () => require('../support/taro-mock'))

/**
 * The controller closes a session it will not complete (deps.cancel → cancelCertification): 人脸核身 not
 * finished, the page left before a result, begin() replacing an open session — never a session whose
 * completion was sent (it decides the session), and never in the person's way (failures ignored).
 */
import type { CancelCertificationEvent, CertificationResultView, CertificationSessionView } from '@/core/contracts/certification'
import { fail, ok, type Result } from '@/core/errors'
import { CertifyController, type FlowDeps } from '@/packages/certify/flow/controller'
import { isRetryableFailure, type IdentityStepOutcome } from '@/services/certification'
import { flush, loadTrace, passedResult, ReplaySource, session } from './support'

const WECHAT = { kind: 'wechat-facial-verify' as const, verifyId: 'vid' }
const sid = (n: number) => `0b3c4f3e-8f7a-4b8e-9a53-2f9f5f0d7c${String(n).padStart(2, '0')}`
const nonce = (n: number) => `nonce${String(n).padStart(2, '0')}abcdefghijklmnopqrstuvwxyz`

function setup(opts: { identity?: IdentityStepOutcome[]; cancel?: FlowDeps['cancel']; complete?: () => Promise<Result<CertificationResultView>>; withIdentity?: boolean } = {}) {
  let n = 0
  const sessions: CertificationSessionView[] = []
  const start = jest.fn(async () => {
    n++
    const s = session(['blink', 'turn_left'], { sessionId: sid(n), nonce: nonce(n), evidenceFrames: 0, ...(opts.withIdentity === false ? {} : { identityStep: { ...WECHAT, verifyId: `vid-${n}` } }) })
    sessions.push(s)
    return ok(s)
  })
  const cancels: CancelCertificationEvent[] = []
  const cancel = jest.fn(opts.cancel ?? (async (e: CancelCertificationEvent) => void cancels.push(e)))
  const outcomes = [...(opts.identity ?? [])]
  const sources: ReplaySource[] = []
  const deps: FlowDeps = {
    start,
    complete: jest.fn(opts.complete ?? (async () => ok(passedResult))),
    createSource: async () => {
      const src = new ReplaySource(loadTrace('cap13_edit2'))
      sources.push(src)
      return src
    },
    say: () => undefined,
    identityStep: async () => outcomes.shift() ?? 'done',
    cancel,
    isRetryable: isRetryableFailure,
    timers: { setInterval: () => 0, clearInterval: () => undefined },
    evidenceWaitMs: 10,
  }
  const controller = new CertifyController(deps)
  return { controller, start, cancel, cancels, sessions, sources, deps }
}

const ev = (n: number, reason: CancelCertificationEvent['reason']): CancelCertificationEvent => ({ sessionId: sid(n), nonce: nonce(n), reason })

describe('closing sessions the flow will not complete', () => {
  test('人脸核身 not completed, four times: each session closed once (identity_not_completed), each 再试一次 a new session; the 5th goes on to the camera', async () => {
    const t = setup({ identity: ['not_completed', 'not_completed', 'unsupported', 'not_completed', 'done'] })
    for (let i = 1; i <= 4; i++) {
      await t.controller.begin()
      await flush()
      expect(t.controller.getState().stage).toBe('identity_incomplete')
    }
    await t.controller.begin()
    await flush()
    expect(t.controller.getState().stage).toBe('opening')
    expect(t.start).toHaveBeenCalledTimes(5)
    expect(new Set(t.sessions.map((s) => s.sessionId)).size).toBe(5)
    // one cancel per abandoned session, never a second one for it ('restarted') when 再试一次 begins anew
    expect(t.cancels).toEqual([1, 2, 3, 4].map((n) => ev(n, 'identity_not_completed')))
  })

  test('the page left before a result closes the open session once (left_page)', async () => {
    const t = setup({ withIdentity: false })
    await t.controller.begin()
    t.sources[0].play(40)
    await flush()
    expect(t.controller.getState().stage).not.toBe('done')
    t.controller.dispose()
    t.controller.dispose()
    await flush()
    expect(t.cancels).toEqual([ev(1, 'left_page')])
  })

  test('begin() replacing an open session (重新开始 after a camera problem) closes it as restarted', async () => {
    const t = setup({ withIdentity: false })
    await t.controller.begin()
    t.sources[0].fail('camera_unavailable')
    expect(t.controller.getState().stage).toBe('camera_unavailable')
    await t.controller.begin()
    await flush()
    expect(t.cancels).toEqual([ev(1, 'restarted')])
    expect(t.controller.getState().stage).toBe('opening')
  })

  test('a start answered after the page was left is closed at once', async () => {
    const t = setup({ withIdentity: false })
    let answer: (r: Result<CertificationSessionView>) => void = () => undefined
    t.deps.start = () => new Promise((r) => (answer = r))
    const c = new CertifyController(t.deps)
    const begun = c.begin()
    c.dispose()
    answer(ok(session(['blink'], { sessionId: sid(9), nonce: nonce(9) })))
    await begun
    await flush()
    expect(t.cancels).toEqual([ev(9, 'left_page')])
  })

  test('never once a completion was sent: a result, a submission on its way, or one that failed to arrive', async () => {
    // done: the result page takes over
    const done = setup({ withIdentity: false })
    await done.controller.begin()
    done.sources[0].play()
    await flush(20)
    expect(done.controller.getState().stage).toBe('done')
    done.controller.dispose()
    // submit_failed: 重试 would send the same completion; leaving must not race it with a cancel
    const failed = setup({ withIdentity: false, complete: async () => fail('NETWORK_ERROR') })
    await failed.controller.begin()
    failed.sources[0].play()
    await flush(20)
    expect(failed.controller.getState().stage).toBe('submit_failed')
    failed.controller.dispose()
    await failed.controller.begin()
    await flush()
    expect(done.cancel).not.toHaveBeenCalled()
    expect(failed.cancel).not.toHaveBeenCalled()
  })

  test('a cancel that fails or throws is ignored: the person sees the same words and 再试一次 still works', async () => {
    for (const cancel of [async () => Promise.reject(new Error('network')), () => {
      throw new Error('sync')
    }]) {
      const t = setup({ identity: ['not_completed', 'done'], cancel })
      await t.controller.begin()
      await flush()
      expect(t.controller.getState().stage).toBe('identity_incomplete')
      await t.controller.begin()
      await flush()
      expect(t.controller.getState().stage).toBe('opening')
      expect(t.cancel).toHaveBeenCalledTimes(1)
    }
  })

  test('no cancel dependency (older callers): nothing breaks', async () => {
    const t = setup({ identity: ['not_completed'] })
    delete t.deps.cancel
    const c = new CertifyController(t.deps)
    await c.begin()
    await flush()
    expect(c.getState().stage).toBe('identity_incomplete')
    c.dispose()
  })
})
