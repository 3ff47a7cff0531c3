/**
 * @jest-environment ./__tests__/client/weapp/support/jsdom-node-env.js
 *
 * 人脸核身 (wechat-facial-verify) on the COMPILED weapp camera page, up to the camera: the backend's
 * session start asks WeChat's getverifyid (the local fake of WeChat's server API), the page hands the
 * verifyId to wx.requestFacialVerify, and what the person sees when WeChat's screen does not finish or
 * WeChat's server is busy. No camera is opened and nothing is counted against the person in these cases.
 */
import { ERRORS } from '../../../../src/core/errors'
import { FakeWechat } from '../../../server/identity/fake-wechat'
import { startWeapp, waitFor, type LoadedPage, type WeappSession } from '../simulate-support'
import { auditOf, facialVerifyStandIn, GETVERIFYID, PEOPLE, personIdOf, QUERYVERIFYINFO, recordsOf, wechatCloud, type FacialVerifyStandIn, type Person, type WechatCloud } from './support'

jest.setTimeout(120_000)

const fake = new FakeWechat()
let s: WeappSession
let page: LoadedPage | undefined

beforeAll(async () => {
  await fake.start()
  s = await startWeapp({
    stack: {
      env: { IDENTITY_VERIFIER: 'wechat-facial-verify', WECHAT_APPID: fake.appId, WECHAT_SECRET: fake.secret, WECHAT_API_BASE: fake.base, CERT_TEST_CHALLENGE: 'blink' },
    },
  })
})

afterEach(() => {
  page?.close()
  page = undefined
})

afterAll(async () => {
  await s?.close()
  await fake.stop()
})

/** A phone of its own (WeChat user `openid`) bound to `person`, with the 人脸核身 stand-in installed. */
async function phoneFor(openid: string, person: Person, standIn: FacialVerifyStandIn): Promise<WechatCloud> {
  const cloud = wechatCloud(s.stack!, openid)
  const bound = await cloud.call('bindIdentity', { method: 'manual', name: person.name, idNumber: person.idNumber, cardNumber: person.cardNumber, insuranceType: person.insuranceType })
  expect(bound.ok).toBe(true)
  s.script.callFunction = cloud.callFunction
  s.wx.requestFacialVerify = standIn.fn
  return cloud
}

const calledEndpoints = (cloud: WechatCloud) => cloud.log.map((c) => c.name)
const verifyIdsIssued = () => fake.callsTo(GETVERIFYID).map((c) => c.answer.verify_id as string)

describe('weapp 人脸核身 before the camera (compiled camera page, fake WeChat server)', () => {
  test('the person cancels WeChat 人脸核身: a kind "not completed, try again", no camera, nothing counted, the session closed; 再试一次 starts afresh', async () => {
    const standIn = facialVerifyStandIn(fake, { fail: 90002, verifyRet: 90002 })
    const cloud = await phoneFor('oWeappCancel_0001', PEOPLE.li, standIn)
    const issuedBefore = verifyIdsIssued().length

    page = await s.loadPage('packages/certify/camera')
    const text = await page.waitForText('微信人脸核身没有完成')
    expect(text).toContain('没关系，这次不算认证失败。准备好以后，点“再试一次”。')
    expect(text).toContain('再试一次')
    expect(text).toContain('返回首页')
    expect(text).not.toContain('认证未通过')

    // The backend asked WeChat for a verifyId with this phone's openid; the page passed exactly that one on.
    const issued = fake.callsTo(GETVERIFYID).slice(issuedBefore)
    expect(issued).toHaveLength(1)
    expect(issued[0].body).toMatchObject({ openid: 'oWeappCancel_0001', cert_info: { cert_type: 'IDENTITY_CARD', cert_name: PEOPLE.li.name, cert_no: PEOPLE.li.idNumber } })
    expect(standIn.verifyIds).toEqual([issued[0].answer.verify_id])
    const started = cloud.log.find((c) => c.name === 'startCertification')!
    expect(started.result.data.identityStep).toEqual({ kind: 'wechat-facial-verify', verifyId: issued[0].answer.verify_id })
    expect(started.result.data.evidenceFrames).toBe(0)

    // Nothing after WeChat's screen: no camera, no completion, no queryverifyinfo, no record.
    expect(s.callsOf('createCameraContext')).toHaveLength(0)
    expect(s.callsOf('createVKSession')).toHaveLength(0)
    expect(calledEndpoints(cloud)).not.toContain('completeCertification')
    expect(fake.callsTo(QUERYVERIFYINFO).filter((c) => (c.body as { verify_id?: string }).verify_id === issued[0].answer.verify_id)).toHaveLength(0)
    const personId = await personIdOf(s.stack!, PEOPLE.li)
    expect(await recordsOf(s.stack!, personId)).toEqual([])
    const audit = await auditOf(s.stack!, personId)
    expect(audit.filter((a) => a.action === 'certification.started').map((a) => a.detail)).toEqual([
      expect.objectContaining({ channel: 'weapp', identity: 'wechat-facial-verify', performer: 'self', challenge: 'blink' }),
    ])
    expect(audit.map((a) => a.action)).not.toContain('certification.completed')
    // The phone closed its session (so 再试一次 never meets TOO_MANY_SESSIONS): no record, nothing counted.
    await waitFor(() => cloud.log.some((c) => c.name === 'cancelCertification' && c.result))
    const cancel = cloud.log.find((c) => c.name === 'cancelCertification')!
    expect(cancel.data).toEqual({ sessionId: started.result.data.sessionId, nonce: started.result.data.nonce, reason: 'identity_not_completed' })
    expect(cancel.result).toEqual({ ok: true, data: { state: 'cancelled', changed: true } })
    expect((await auditOf(s.stack!, personId)).filter((a) => a.action === 'certification.cancelled').map((a) => a.detail)).toEqual([
      { sessionId: started.result.data.sessionId, reason: 'identity_not_completed', channel: 'weapp', performer: 'self', identity: 'wechat-facial-verify' },
    ])

    // 再试一次: a new session, a new verifyId, WeChat's screen again (finished this time, so the camera opens).
    standIn.next = { finish: 10000 }
    await page.tap({ text: /^再试一次$/ })
    await page.waitForNoText('微信人脸核身没有完成')
    await waitFor(() => standIn.verifyIds.length === 2)
    const issuedNow = verifyIdsIssued().slice(issuedBefore)
    expect(issuedNow).toHaveLength(2)
    expect(standIn.verifyIds).toEqual(issuedNow)
    expect(issuedNow[1]).not.toBe(issuedNow[0])

    // The status still says 待认证: the cancelled check is not a failed certification.
    const status = await cloud.call('getStatus', {})
    expect(status.data.status).toBe('due')
    expect(await recordsOf(s.stack!, personId)).toEqual([])
  })

  test('WeChat busy or refusing at getverifyid: 服务暂时不可用 with 重新开始, WeChat\'s screen never opens; audited with the platform code', async () => {
    const standIn = facialVerifyStandIn(fake)
    const cloud = await phoneFor('oWeappBusy_00001', PEOPLE.zhang, standIn)
    const personId = await personIdOf(s.stack!, PEOPLE.zhang)

    fake.failNext(GETVERIFYID, -1)
    page = await s.loadPage('packages/certify/camera')
    let text = await page.waitForText(ERRORS.SERVICE_UNAVAILABLE.message)
    expect(text).toContain('重新开始')
    expect(standIn.verifyIds).toEqual([])
    expect(s.callsOf('createCameraContext')).toHaveLength(0)

    // WeChat unreachable (HTTP 500), then refusing with an errcode: the same words, the code in the audit.
    fake.failNext(GETVERIFYID, 'http500')
    await page.tap({ text: '重新开始' })
    await waitFor(() => cloud.log.filter((c) => c.name === 'startCertification').length === 2)
    text = await page.waitForText(ERRORS.SERVICE_UNAVAILABLE.message)
    fake.failNext(GETVERIFYID, 84001)
    await page.tap({ text: '重新开始' })
    await waitFor(() => cloud.log.filter((c) => c.name === 'startCertification').length === 3)
    text = await page.waitForText(ERRORS.SERVICE_UNAVAILABLE.message)
    expect(standIn.verifyIds).toEqual([])

    const refused = (await auditOf(s.stack!, personId)).filter((a) => a.action === 'certification.start_refused').map((a) => a.detail)
    expect(refused).toEqual([
      { reason: 'SERVICE_UNAVAILABLE', identity: 'wechat-facial-verify', transient: true, platformCode: null },
      { reason: 'SERVICE_UNAVAILABLE', identity: 'wechat-facial-verify', transient: true, platformCode: null },
      { reason: 'SERVICE_UNAVAILABLE', identity: 'wechat-facial-verify', transient: false, platformCode: 84001 },
    ])
    expect(await recordsOf(s.stack!, personId)).toEqual([])
  })
})
