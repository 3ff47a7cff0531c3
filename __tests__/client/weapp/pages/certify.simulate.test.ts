/**
 * @jest-environment ./__tests__/client/weapp/support/jsdom-node-env.js
 *
 * 认证须知 (packages/certify/index) as 本人's entry and as the landing of a printed notice's mini-program
 * code; the camera page's permission state; the result page without a result. The camera run itself
 * (VisionKit frames → 认证通过) is the camera suite's (__tests__/client/weapp/camera).
 */
import { ERROR_MESSAGES } from '@/core/errors'
import { DEMO, startWeapp, type WeappSession } from '../simulate-support'
import { expectNoIdNumber, expectPageHidesIds, wxTextBesidesCloud } from '../support/privacy'
import { noticeCodeOf, PERSON_NO } from '../support/seed'

const LIU_ID = '110101193809170532'
const IDS = [DEMO.wang.idNumber, LIU_ID]
let s: WeappSession

beforeAll(async () => {
  s = await startWeapp({ stack: {} })
  const bound = await s.stack!.callFunction('bindIdentity', { method: 'manual', name: DEMO.wang.name, idNumber: DEMO.wang.idNumber, cardNumber: DEMO.wang.cardNumber, insuranceType: 'enterprise' })
  expect(bound.ok).toBe(true)
})
afterAll(async () => s?.close())

describe.each([1, 2])('at WeChat font scale %s', (scale) => {
  test('本人: 认证须知 explains why and how, warns about fraud; 开始认证 with the camera allowed opens the camera page (front camera)', async () => {
    s.script.fontSizeScaleFactor = scale
    s.script.authorize = 'grant'
    s.script.authSetting = {}
    const page = await s.loadPage('packages/certify/index')
    await page.waitForText('为什么要认证')
    expect(page.html()).toContain(`--yl-scale: ${scale};`)
    for (const t of ['怎样认证', '谨防诈骗', '为什么要用摄像头', '开始认证']) expect(page.text()).toContain(t)
    expect(await s.navigationAfter(() => page.tap({ text: '开始认证' }))).toEqual({ name: 'navigateTo', url: '/packages/certify/camera?facing=front', delta: undefined })
    // WeChat's own dialog asked for the camera (never asked before).
    expect(s.callsOf('authorize').at(-1)?.args[0]).toMatchObject({ scope: 'scope.camera' })
    page.close()
  })
})

describe('printed notice landing: the page a mini-program code (wxacode.getUnlimited, scene n=<code>) opens', () => {
  test('scene as WeChat delivers it (URL-encoded in query.scene) → whose notice, the agency of the person’s region, 开始认证 → camera with notice=<code>', async () => {
    const code = await noticeCodeOf(s.stack!, PERSON_NO.liu, 2026)
    // Anyone may scan a notice: a WeChat user who is not bound.
    const wang = s.stack!.identity()
    await s.stack!.newIdentity()
    s.script.authSetting = { 'scope.camera': true }
    const page = await s.loadPage('packages/certify/index', { scene: encodeURIComponent(`n=${code}`) })
    await page.waitForText('刘*福的养老资格认证')
    expect(page.text()).toContain('2026年度认证通知单')
    expect(page.text()).toContain('北京市东城区社会保险事业管理中心')
    const nav = await s.navigationAfter(() => page.tap({ text: '开始认证' }))
    expect(nav).toEqual({ name: 'navigateTo', url: `/packages/certify/camera?facing=front&notice=${code}`, delta: undefined })
    expectPageHidesIds(page, IDS)
    page.close()
    s.stack!.useIdentity(wang)
  })

  test('the same scene already decoded once (as some clients pass it) lands the same way', async () => {
    const code = await noticeCodeOf(s.stack!, PERSON_NO.liu, 2026)
    const page = await s.loadPage('packages/certify/index', { scene: `n=${code}` })
    await page.waitForText('刘*福的养老资格认证')
    page.close()
  })

  test('a notice of someone who already certified this year says so calmly with the day (spoken: speech.simulate.test.ts), with no 开始认证', async () => {
    // 王秀英 last passed on 2026-03-15 (demo roster)
    const code = await noticeCodeOf(s.stack!, PERSON_NO.wang, 2026)
    const page = await s.loadPage('packages/certify/index', { scene: encodeURIComponent(`n=${code}`) })
    await page.waitForText('本年度已经完成认证')
    // The client composes the sentence from the day the answer carries as a checked fact (never wire text).
    const dated = '本年度已于2026年3月15日完成认证，无需再次认证'
    expect(page.text()).toContain(dated)
    expect(page.text()).not.toContain(ERROR_MESSAGES.NOTICE_ALREADY_CERTIFIED)
    expect(page.text()).toContain('✓')
    expect(page.text()).not.toContain('开始认证')
    page.close()
  })

  test('an unknown or tampered code: 无法识别这个认证码', async () => {
    const page = await s.loadPage('packages/certify/index', { scene: encodeURIComponent('n=AAAAAAAAAAAA') })
    await page.waitForText('无法识别这个认证码')
    expect(page.text()).not.toContain('开始认证')
    page.close()
  })
})

test('camera page on a phone with VisionKit, camera refused: <camera> reports it, the page says how to allow it; 去打开摄像头权限 opens WeChat’s settings', async () => {
  const isVKSupport = s.wx.isVKSupport
  s.wx.isVKSupport = () => true
  s.script.authSetting = { 'scope.camera': false }
  s.script.openSetting = {}
  try {
    const page = await s.loadPage('packages/certify/camera', { facing: 'front' })
    // The <camera> component is what finds out: WeChat fires its error event when the camera is refused.
    await page.waitForElement('wx-camera')
    await page.fire('wx-camera', 'error', { errMsg: 'insertCamera:fail auth deny' })
    await page.waitForText('需要允许使用摄像头')
    expect(page.text()).toContain('去打开摄像头权限')
    await page.tap({ text: '去打开摄像头权限' })
    await s.waitForCall('openSetting')
    // Still refused in the settings page: the page keeps saying how.
    expect(page.text()).toContain('需要允许使用摄像头')
    page.close()
  } finally {
    s.wx.isVKSupport = isVKSupport
  }
})

test('camera page, camera allowed but no VisionKit on this phone (as in DevTools): it says so and offers other ways', async () => {
  s.script.authSetting = { 'scope.camera': true }
  const page = await s.loadPage('packages/certify/camera', { facing: 'front' })
  await page.waitForText('这部手机暂时不能刷脸认证')
  expect(page.text()).toContain('返回首页')
  page.close()
})

test('result page opened without a result in memory (e.g. after WeChat reclaimed the page): the result is saved, see 认证记录', async () => {
  const page = await s.loadPage('packages/certify/result', { r: 'missing' })
  await page.waitForText('认证结果已经保存')
  expect(await s.navigationAfter(() => page.tap({ text: '查看认证记录' }))).toMatchObject({ name: 'navigateTo', url: '/packages/records/index' })
  page.close()
})

test('no ID number in any wx call but the cloud call that carries it, nor in storage', () => {
  expectNoIdNumber('wx calls and storage', wxTextBesidesCloud(s), IDS)
})
