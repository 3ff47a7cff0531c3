/**
 * @jest-environment ./__tests__/client/weapp/support/jsdom-node-env.js
 *
 * 认证查询 and 单位认证 (单位专管员) on the compiled weapp against the real gateway + backend.
 */
import { ERROR_MESSAGES } from '@/core/errors'
import { DEMO, startWeapp, type WeappSession } from '../simulate-support'
import { expectNoIdNumber, expectPageHidesIds, wxTextBesidesCloud } from '../support/privacy'
import { appointUnitAdmin } from '../support/seed'

const ZHANG = { name: '张桂兰', idNumber: '320102194106220468', maskedName: '张*兰' }
const UNIT = '示例纺织厂（虚构）'
const UNIT_IDS = [DEMO.wang.idNumber, '110101193809170532', '110101195504100823']
const IDS = [ZHANG.idNumber, DEMO.li.idNumber, ...UNIT_IDS]
let s: WeappSession

beforeAll(async () => {
  s = await startWeapp({ stack: {} })
})
afterAll(async () => s?.close())

describe.each([1, 2])('认证查询 at font scale %s', (scale) => {
  test('name + ID number → the masked person, the status in words and the 险种; 再查一位 clears the form', async () => {
    s.script.fontSizeScaleFactor = scale
    const page = await s.loadPage('packages/query/index')
    await page.waitForText('查询次数有限')
    expect(page.html()).toContain(`--yl-scale: ${scale};`)
    await page.input({ label: '姓名' }, ZHANG.name)
    await page.input({ label: '身份证号' }, ZHANG.idNumber)
    await page.tap({ text: '查询' })
    await page.waitForText(ZHANG.maskedName)
    expect(page.text()).toContain('城乡居民基本养老保险')
    expect(page.text()).toMatch(/暂停发放/)
    expectPageHidesIds(page, IDS)
    expect(page.data()).not.toContain(ZHANG.idNumber)
    await page.tap({ text: '再查一位' })
    await page.waitForText('查询次数有限')
    page.close()
  })
})

test('认证查询: a wrong check digit is named at the field, before anything is sent', async () => {
  const page = await s.loadPage('packages/query/index')
  await page.waitForText('查询次数有限')
  const sent = s.callsOf('cloud.callFunction').length
  await page.input({ label: '姓名' }, DEMO.li.name)
  await page.input({ label: '身份证号' }, `${DEMO.li.idNumber.slice(0, 17)}6`)
  await page.tap({ text: '查询' })
  await page.waitForText(ERROR_MESSAGES.ID_CHECKSUM)
  expect(s.callsOf('cloud.callFunction').slice(sent).map((c) => (c.args[0] as { data: { name: string } }).data.name)).not.toContain('queryStatus')
  page.close()
})

test('认证查询 over the limit (5 a minute per account): refused in words, with when to try again', async () => {
  const page = await s.loadPage('packages/query/index')
  await page.waitForText('查询次数有限')
  await page.input({ label: '姓名' }, DEMO.li.name)
  await page.input({ label: '身份证号' }, DEMO.li.idNumber)
  // The two queries above count; the clock stands still, so the minute never ends.
  for (let i = 0; i < 3; i++) {
    await page.tap({ text: '查询' })
    await page.waitForText(DEMO.li.maskedName)
    await page.tap({ text: '再查一位' })
    await page.waitForText('查询次数有限')
    await page.input({ label: '姓名' }, DEMO.li.name)
    await page.input({ label: '身份证号' }, DEMO.li.idNumber)
  }
  await page.tap({ text: '查询' })
  await page.waitForText(ERROR_MESSAGES.RATE_LIMITED)
  expect(page.text()).toContain('查询太频繁了')
  expectPageHidesIds(page, IDS)
  page.close()
})

test('单位认证: the invitation code from the agency → the unit’s retirees, masked → 帮TA认证 opens 认证须知 for that member', async () => {
  const code = await appointUnitAdmin(s.stack!, { unitName: UNIT, regionPrefix: '110101', code: 'AB3DEF7H' })
  const page = await s.loadPage('packages/unit/index')
  await page.waitForText('确认邀请码')
  await page.input({ label: '邀请码（8 位）' }, 'ZZZZ ZZZZ')
  await page.tap({ text: '确认邀请码' })
  await page.waitForText(ERROR_MESSAGES.UNIT_INVITE_INVALID)
  await page.input({ label: '邀请码（8 位）' }, `${code.slice(0, 4).toLowerCase()} ${code.slice(4)}`)
  await page.tap({ text: '确认邀请码' })
  await page.waitForText(UNIT)
  for (const name of ['王*英', '刘*福', '孙*珍']) expect(page.text()).toContain(name)
  expect(page.text()).toContain('身份证号：110')
  expectPageHidesIds(page, IDS)
  const nav = await s.navigationAfter(() => page.tap({ text: '帮TA认证' }))
  expect(nav.name).toBe('navigateTo')
  expect(nav.url).toMatch(/^\/packages\/certify\/index\?unit=[A-Za-z0-9_%-]+$/)
  page.close()

  const certify = await s.follow()
  await certify.waitForText(`由单位专管员帮助认证（${UNIT}）`)
  expect(certify.text()).toContain('请老人本人对着摄像头做动作，您帮忙拿手机。')
  expectPageHidesIds(certify, IDS)
  certify.close()
})

test('no ID number in any wx call but the cloud call that carries it, nor in storage', () => {
  expectNoIdNumber('wx calls and storage', wxTextBesidesCloud(s), IDS)
})
