jest.mock('@tarojs/taro', () => require('../support/taro-mock'))

/**
 * The weapp identity step (人脸核身) in the certification controller: it runs after 开始认证 and before
 * the camera; only a finished WeChat screen goes on to the camera (the backend then decides). A screen
 * that ended without finishing, or a WeChat too old for it, stops with kind words and sends nothing.
 */
import { ok } from '@/core/errors'
import { CertifyController, type FlowDeps, type FlowState } from '@/packages/certify/flow/controller'
import { IDENTITY_INCOMPLETE_BODY, IDENTITY_RUNNING, IDENTITY_UNSUPPORTED_BODY } from '@/packages/certify/flow/texts'
import Taro from '@tarojs/taro'
import { isRetryableFailure, runIdentityStep, type IdentityStepOutcome } from '@/services/certification'
import { flush, loadTrace, passedResult, ReplaySource, session } from './support'

function setup(outcome: () => Promise<IdentityStepOutcome>) {
  const source = new ReplaySource(loadTrace('cap13_edit2'))
  const complete = jest.fn(async () => ok(passedResult))
  const createSource = jest.fn(async () => source)
  const stagesSeen: FlowState[] = []
  let release: (o: IdentityStepOutcome) => void = () => undefined
  const identityStep = jest.fn(
    () =>
      new Promise<IdentityStepOutcome>((resolve) => {
        release = resolve
      }).then(() => outcome()),
  )
  const deps: FlowDeps = {
    start: async () => ok(session(['blink'], { identityStep: { kind: 'wechat-facial-verify', verifyId: 'vid-1' }, evidenceFrames: 0 })),
    complete,
    createSource,
    say: () => undefined,
    identityStep,
    isRetryable: isRetryableFailure,
    timers: { setInterval: () => 0, clearInterval: () => undefined },
  }
  const controller = new CertifyController(deps)
  controller.subscribe((s) => stagesSeen.push(s))
  return { controller, complete, createSource, identityStep, stagesSeen, finishIdentity: () => release('done') }
}

describe('identity step before the camera', () => {
  it('shows that WeChat 人脸核身 is running, then opens the camera when it finished', async () => {
    const t = setup(async () => 'done')
    const begun = t.controller.begin()
    await flush()
    expect(t.controller.getState()).toMatchObject({ stage: 'identity', prompt: IDENTITY_RUNNING })
    expect(t.identityStep).toHaveBeenCalledWith(expect.objectContaining({ identityStep: { kind: 'wechat-facial-verify', verifyId: 'vid-1' } }))
    expect(t.createSource).not.toHaveBeenCalled()
    t.finishIdentity()
    await begun
    expect(t.createSource).toHaveBeenCalledTimes(1)
    expect(t.stagesSeen.map((s) => s.stage)).toContain('opening')
  })

  it.each([
    ['not_completed', IDENTITY_INCOMPLETE_BODY],
    ['unsupported', IDENTITY_UNSUPPORTED_BODY],
  ] as const)('stops at identity_incomplete on %s: no camera, no completion sent', async (outcome, body) => {
    const t = setup(async () => outcome)
    const begun = t.controller.begin()
    await flush()
    t.finishIdentity()
    await begun
    expect(t.controller.getState()).toMatchObject({ stage: 'identity_incomplete', prompt: body })
    expect(t.createSource).not.toHaveBeenCalled()
    expect(t.complete).not.toHaveBeenCalled()
  })

  it('treats a thrown identity step as not completed', async () => {
    const t = setup(async () => {
      throw new Error('requestFacialVerify exploded')
    })
    const begun = t.controller.begin()
    await flush()
    t.finishIdentity()
    await begun
    expect(t.controller.getState().stage).toBe('identity_incomplete')
    expect(t.createSource).not.toHaveBeenCalled()
  })
})

describe('runIdentityStep (weapp wx.requestFacialVerify)', () => {
  const step = { kind: 'wechat-facial-verify' as const, verifyId: 'vid-7' }
  const taro = Taro as unknown as Record<string, unknown>
  const env = process.env.TARO_ENV
  afterEach(() => {
    delete taro.requestFacialVerify
    process.env.TARO_ENV = env
  })

  it('passes the verifyId and answers done on success, not_completed on fail or a throw', async () => {
    process.env.TARO_ENV = 'weapp'
    const calls: string[] = []
    taro.requestFacialVerify = (o: { verifyId: string; success(): void }) => (calls.push(o.verifyId), o.success())
    expect(await runIdentityStep(step)).toBe('done')
    taro.requestFacialVerify = (o: { fail(e: unknown): void }) => o.fail({ errCode: 90002, errMsg: 'requestFacialVerify:fail cancel' })
    expect(await runIdentityStep(step)).toBe('not_completed')
    taro.requestFacialVerify = () => {
      throw new Error('boom')
    }
    expect(await runIdentityStep(step)).toBe('not_completed')
    expect(calls).toEqual(['vid-7'])
  })

  it('answers unsupported when this WeChat has no requestFacialVerify (base library below 3.8.12)', async () => {
    process.env.TARO_ENV = 'weapp'
    expect(await runIdentityStep(step)).toBe('unsupported')
  })

  it('does nothing on H5 or without a WeChat step', async () => {
    const asked = jest.fn()
    taro.requestFacialVerify = asked
    process.env.TARO_ENV = 'h5'
    expect(await runIdentityStep(step)).toBe('done')
    process.env.TARO_ENV = 'weapp'
    expect(await runIdentityStep({ kind: 'none' })).toBe('done')
    expect(asked).not.toHaveBeenCalled()
  })
})
