/**
 * @jest-environment ./__tests__/client/weapp/support/jsdom-node-env.js
 *
 * Subscribe taps (认证到期前提醒我 on 首页, 申诉进度通知 with 我要申诉) on the compiled weapp: which
 * template ids wx.requestSubscribeMessage gets, that it is asked from the tap itself, and what the
 * person sees after accept / reject / WeChat's own refusal. The template ids are build constants
 * (TARO_APP_REMINDER_TEMPLATE_*): the compiled code reads process.env.TARO_APP_*, which a build with
 * those keys in its .env replaces by the literal ids; here they are set the same way at run time.
 */
import { TEMPLATE_TITLES } from '@/core/reminders/policy'
import { REMINDER_PAGE } from '@/core/reminders/templates'
import { DEMO, startWeapp, type LoadedPage, type WeappSession } from '../simulate-support'
import { expectNoIdNumber, wxTextBesidesCloud } from '../support/privacy'

const IDS = { certDue: 'tmplCertDue0001', certificationResult: 'tmplCertResult01', relativeCertified: 'tmplRelative0001', appealUpdate: 'tmplAppealUpd001' }
const ENV = {
  TARO_APP_REMINDER_TEMPLATE_CERT_DUE: IDS.certDue,
  TARO_APP_REMINDER_TEMPLATE_RESULT: IDS.certificationResult,
  TARO_APP_REMINDER_TEMPLATE_RELATIVE: IDS.relativeCertified,
  TARO_APP_REMINDER_TEMPLATE_APPEAL: IDS.appealUpdate,
}
let s: WeappSession

beforeAll(async () => {
  // Cold start from a 服务通知 (subscribe message): WeChat opens its `page` with scene 1014.
  s = await startWeapp({ stack: {}, launch: { path: REMINDER_PAGE, query: {}, scene: 1014 } })
  const bound = await s.stack!.callFunction('bindIdentity', { method: 'manual', name: DEMO.wang.name, idNumber: DEMO.wang.idNumber, cardNumber: DEMO.wang.cardNumber, insuranceType: 'enterprise' })
  expect(bound.ok).toBe(true)
})
afterAll(async () => s?.close())
afterEach(() => {
  for (const k of Object.keys(ENV)) delete process.env[k]
})

async function home(): Promise<LoadedPage> {
  const page = await s.loadPage('pages/index/index')
  await page.waitForText('认证到期前提醒我')
  return page
}

test('the page a reminder (subscribe message) opens shows the person’s status at once', async () => {
  const page = await s.loadPage(REMINDER_PAGE)
  await page.waitForText(DEMO.wang.maskedName)
  expect(page.text()).toContain('下次请在2027年3月31日前认证')
  page.close()
})

test('a build still carrying the placeholder ids never shows WeChat’s dialog: 提醒功能暂未开通', async () => {
  const page = await home()
  await page.tap({ text: '开启提醒' })
  await page.waitForText('提醒功能暂未开通，请稍后再试')
  expect(s.callsOf('requestSubscribeMessage')).toHaveLength(0)
  page.close()
})

test('accept: one tap asks for the three reminder templates (from the tap itself), and the card says reminders are on', async () => {
  Object.assign(process.env, ENV)
  s.script.subscribe = {}
  const page = await home()
  await page.waitForText('还没有开启提醒')
  await page.tap({ text: '开启提醒' })
  await page.waitForText('✓ 已开启提醒')
  const asks = s.callsOf('requestSubscribeMessage')
  expect(asks).toHaveLength(1)
  expect(asks[0].args[0]).toMatchObject({ tmplIds: [IDS.certDue, IDS.certificationResult, IDS.relativeCertified] })
  expect(asks[0].inTap).toBe(true)
  expect(page.text()).toContain(`${TEMPLATE_TITLES.certDue}：还能收到 1 条`)
  expect(page.text()).toContain('再点一次开启提醒')
  page.close()
})

test('reject one template: the card names what was refused and how to ask again', async () => {
  Object.assign(process.env, ENV)
  s.script.subscribe = { [IDS.certificationResult]: 'reject', [IDS.relativeCertified]: 'ban' }
  const page = await home()
  await page.waitForText('再点一次开启提醒')
  const before = s.callsOf('requestSubscribeMessage').length
  await page.tap({ text: '再点一次开启提醒' })
  await page.waitForText('您没有同意')
  expect(s.callsOf('requestSubscribeMessage')).toHaveLength(before + 1)
  expect(page.text()).toContain(`您没有同意：${TEMPLATE_TITLES.certificationResult}、${TEMPLATE_TITLES.relativeCertified}。需要时可以再点一次。`)
  // The accepted one still counts: a second credit for 认证到期提醒.
  expect(page.text()).toContain(`${TEMPLATE_TITLES.certDue}：还能收到 2 条`)
  page.close()
})

test('the person switched off subscription messages in WeChat (errCode 20004): where to switch them on', async () => {
  Object.assign(process.env, ENV)
  s.script.subscribe = { errCode: 20004, errMsg: 'main switch is off' }
  const page = await home()
  await page.waitForText('再点一次开启提醒')
  await page.tap({ text: '再点一次开启提醒' })
  await page.waitForText('您在微信里关闭了“接收订阅消息”')
  page.close()
  s.script.subscribe = {}
})

test('我要申诉 from 首页: the form, a confirm screen with the phone masked, 确认提交 asks for 申诉进度通知 from the tap, then 已提交; opening it again shows the open one', async () => {
  Object.assign(process.env, ENV)
  const page = await home()
  expect(await s.navigationAfter(() => page.tap({ text: '我要申诉 / 申请上门认证' }))).toMatchObject({ name: 'navigateTo', url: '/packages/appeal/index' })
  page.close()

  const appeal = await s.follow()
  await appeal.waitForText('您要办理（请选择一项）')
  await appeal.tap({ text: '下一步' })
  await appeal.waitForText('请选择：申请上门认证，还是我要申诉')
  await appeal.tap({ text: '我要申诉（工作人员打电话联系）' })
  await appeal.tap({ text: '多次刷脸不通过' })
  await appeal.input({ label: '联系电话' }, '13800138000')
  await appeal.tap({ text: '下一步' })
  await appeal.waitForText('请核对以下内容')
  expect(appeal.text()).toContain('联系电话：138****8000')
  expect(appeal.text()).toContain('为谁办理：本人')
  const before = s.callsOf('requestSubscribeMessage').length
  await appeal.tap({ text: '确认提交' })
  await appeal.waitForText('已提交')
  const ask = s.callsOf('requestSubscribeMessage')[before]
  expect(ask.args[0]).toMatchObject({ tmplIds: [IDS.appealUpdate] })
  expect(ask.inTap).toBe(true)
  expect(appeal.text()).not.toContain('13800138000')
  appeal.close()

  const again = await s.loadPage('packages/appeal/index')
  await again.waitForText('已经有一件在办理中，不用重复提交')
  again.close()
})

test('no ID number in any wx call but the cloud call that carries it, nor in storage', () => {
  expectNoIdNumber('wx calls and storage', wxTextBesidesCloud(s), [DEMO.wang.idNumber])
})
