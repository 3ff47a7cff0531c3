/**
 * @jest-environment ./__tests__/client/weapp/support/jsdom-node-env.js
 *
 * 首页, 绑定社保卡 (by hand and through the local 电子社保卡 authorisation), 认证记录: the compiled weapp
 * pages under miniprogram-simulate, answered by the real gateway + backend (demo roster).
 */
import { ERROR_MESSAGES } from '@/core/errors'
import { DEMO, startWeapp, type WeappSession } from '../simulate-support'
import { expectNoIdNumber, expectPageHidesIds, wxTextBesidesCloud } from '../support/privacy'

const IDS = [DEMO.wang.idNumber, DEMO.li.idNumber]
let s: WeappSession

beforeAll(async () => {
  s = await startWeapp({ stack: {} })
})
afterAll(async () => s?.close())

const scaleOf = (html: string) => /--yl-scale:\s*([\d.]+)/.exec(html)?.[1]

test('首页 unbound → 绑定社保卡 by hand: a wrong card number is refused in words, the right one binds and 首页 shows the status (font scale 1, then 2)', async () => {
  s.script.fontSizeScaleFactor = 1
  const home = await s.loadPage('pages/index/index')
  await home.waitForText('绑定本人社保卡')
  expect(scaleOf(home.html())).toBe('1')
  expect(home.text()).toContain('查看本人的认证情况，请先绑定社保卡。')
  for (const link of ['家人认证', '认证查询', '谨防诈骗', '认证是免费的，不收任何费用。']) expect(home.text()).toContain(link)
  expect(await s.navigationAfter(() => home.tap({ text: '绑定社保卡' }))).toMatchObject({ name: 'navigateTo', url: '/packages/bind/index' })
  home.close()

  const bind = await s.follow()
  await bind.waitForText('确认绑定')
  expect(bind.text()).toContain('方式一：电子社保卡授权')
  expect(bind.text()).toContain('方式二：手动填写')
  await bind.input({ label: '姓名' }, DEMO.wang.name)
  await bind.input({ label: '身份证号' }, DEMO.wang.idNumber)
  await bind.input({ label: '社会保障卡号' }, 'A99999999')
  await bind.tap({ text: '企业职工基本养老保险' })
  await bind.waitForText('已选')
  await bind.tap({ text: '确认绑定' })
  await bind.waitForText(ERROR_MESSAGES.DETAILS_MISMATCH)
  expect(s.callsOf('reLaunch')).toHaveLength(0)

  await bind.input({ label: '社会保障卡号' }, 'a00000001')
  expect(await s.navigationAfter(() => bind.tap({ text: '确认绑定' }))).toMatchObject({ name: 'reLaunch', url: '/pages/index/index' })
  bind.close()

  s.script.fontSizeScaleFactor = 2
  const after = await s.follow()
  await after.waitForText(DEMO.wang.maskedName)
  // Last certified 2026-03-15 on the roster, rolling 12 months → due March 2027.
  expect(after.text()).toContain('已认证')
  expect(after.text()).toContain('2027年3月')
  expect(after.text()).toContain('认证记录')
  expect(after.text()).toContain('再认证一次')
  expect(scaleOf(after.html())).toBe('2')
  expectPageHidesIds(after, IDS)
  expect(after.data()).not.toContain(DEMO.wang.idNumber)
  after.close()
})

test('认证记录 from 首页: the roster’s 上次认证日期 as one imported record, in words', async () => {
  const home = await s.loadPage('pages/index/index')
  await home.waitForText(DEMO.wang.maskedName)
  expect(await s.navigationAfter(() => home.tap({ text: '认证记录' }))).toMatchObject({ name: 'navigateTo', url: '/packages/records/index' })
  home.close()
  const records = await s.follow()
  await records.waitForText('历史数据导入')
  expect(records.text()).toContain('2026年3月15日')
  expect(records.text()).toContain('渠道')
  expectPageHidesIds(records, IDS)
  records.close()
})

test('绑定社保卡 when bound: the masked name and 险种; 解除绑定 asks first and 不解除 keeps it', async () => {
  const bind = await s.loadPage('packages/bind/index')
  await bind.waitForText('已绑定本人社保卡')
  expect(bind.text()).toContain(`姓名：${DEMO.wang.maskedName}`)
  expect(bind.text()).toContain('险种：企业职工基本养老保险')
  await bind.tap({ text: '解除绑定' })
  await bind.waitForText('确定要解除绑定吗？')
  await bind.tap({ text: '不解除，返回' })
  await bind.waitForNoText('确定要解除绑定吗？')
  expect(bind.text()).toContain('已绑定本人社保卡')
  expectPageHidesIds(bind, IDS)
  bind.close()
})

test('another WeChat user binds through 电子社保卡授权 (local stand-in page) and 首页 names 李*国', async () => {
  await s.stack!.newIdentity()
  const bind = await s.loadPage('packages/bind/index')
  await bind.waitForText('电子社保卡授权')
  expect(await s.navigationAfter(() => bind.tap({ text: '电子社保卡授权' }))).toMatchObject({ name: 'navigateTo', url: '/packages/bind/ssc-local' })
  bind.close()

  const ssc = await s.follow()
  await ssc.waitForText('同意授权并绑定')
  expect(ssc.text()).toContain('本地演示授权')
  await ssc.input({ label: '姓名' }, DEMO.li.name)
  await ssc.input({ label: '身份证号' }, DEMO.li.idNumber)
  expect(await s.navigationAfter(() => ssc.tap({ text: '同意授权并绑定' }))).toMatchObject({ name: 'reLaunch', url: '/pages/index/index' })
  ssc.close()
  const home = await s.follow()
  await home.waitForText(DEMO.li.maskedName)
  expect(home.text()).toContain('开始认证')
  expectPageHidesIds(home, IDS)
  home.close()
})

test('解除绑定 confirmed: back to 首页, which asks to bind again', async () => {
  const bind = await s.loadPage('packages/bind/index')
  await bind.waitForText('已绑定本人社保卡')
  await bind.tap({ text: '解除绑定' })
  await bind.waitForText('确定要解除绑定吗？')
  expect(await s.navigationAfter(() => bind.tap({ text: '确定解除绑定' }))).toMatchObject({ name: 'reLaunch', url: '/pages/index/index' })
  bind.close()
  const home = await s.follow()
  await home.waitForText('绑定本人社保卡')
  home.close()
})

test('no ID number in any wx call but the cloud call that carries it, nor in storage', () => {
  expect(s.callsOf('cloud.callFunction').length).toBeGreaterThan(5)
  expectNoIdNumber('wx calls and storage', wxTextBesidesCloud(s), IDS)
})
