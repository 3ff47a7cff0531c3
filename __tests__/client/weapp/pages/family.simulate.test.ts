/**
 * @jest-environment ./__tests__/client/weapp/support/jsdom-node-env.js
 *
 * 家人认证 on the compiled weapp: add a relative → the list → 帮TA认证 opens 认证须知 with the right
 * query (camera permission asked, refused, then opened in settings) → 发给TA自己认证: the share card
 * WeChat sends (onShareAppMessage) and its landing on another WeChat user's phone, withdrawn after.
 */
import { SHARE_TOKEN_PATTERN } from '@/core/contracts/share'
import { SCAM_SHORT } from '@/core/scam'
import { DEMO, startWeapp, type LoadedPage, type WeappSession } from '../simulate-support'
import { expectNoIdNumber, expectPageHidesIds, wxTextBesidesCloud } from '../support/privacy'

/** 刘德福 (DEMO0004): on the roster, never certified. */
const LIU = { name: '刘德福', idNumber: '110101193809170532', maskedName: '刘*福' }
const IDS = [DEMO.wang.idNumber, LIU.idNumber]
const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}'

let s: WeappSession
let relativeId = ''

beforeAll(async () => {
  s = await startWeapp({ stack: {} })
  const bound = await s.stack!.callFunction('bindIdentity', { method: 'manual', name: DEMO.wang.name, idNumber: DEMO.wang.idNumber, cardNumber: DEMO.wang.cardNumber, insuranceType: 'enterprise' })
  expect(bound.ok).toBe(true)
})
afterAll(async () => s?.close())

async function familyList(): Promise<LoadedPage> {
  const family = await s.loadPage('packages/family/index')
  await family.waitForText('已添加 1 位家人')
  return family
}

test('家人 empty → 添加家人: the form checks with the roster and shows only the masked name', async () => {
  const family = await s.loadPage('packages/family/index')
  await family.waitForText('您还没有添加家人')
  expect(await s.navigationAfter(() => family.tap({ text: '添加家人' }))).toMatchObject({ name: 'navigateTo', url: '/packages/family/add' })
  family.close()

  const add = await s.follow()
  await add.waitForText('确认添加')
  await add.input({ label: '家人的姓名' }, LIU.name)
  await add.input({ label: '家人的身份证号' }, LIU.idNumber)
  await add.tap({ text: '父亲' })
  await add.tap({ text: '确认添加' })
  await add.waitForText(`已添加：${LIU.maskedName}（父亲）`)
  expectPageHidesIds(add, IDS)
  expect(add.data()).not.toContain(LIU.idNumber)
  expect(await s.navigationAfter(() => add.tap({ text: '返回家人列表' }))).toMatchObject({ name: 'navigateBack', delta: 1 })
  add.close()

  const list = await familyList()
  expect(list.text()).toContain(`${LIU.maskedName}（父亲）`)
  for (const b of ['帮TA认证', '发给TA自己认证', '认证记录', '移除']) expect(list.text()).toContain(b)
  expectPageHidesIds(list, IDS)
  list.close()
})

test('帮TA认证 → 认证须知 for that relative (back camera); camera refused → 去打开摄像头权限 → settings → camera page', async () => {
  const list = await familyList()
  const nav = await s.navigationAfter(() => list.tap({ text: '帮TA认证' }))
  expect(nav.name).toBe('navigateTo')
  expect(nav.url).toMatch(new RegExp(`^/packages/certify/index\\?relative=${UUID}$`))
  relativeId = nav.url!.split('=')[1]
  list.close()

  const certify = await s.follow()
  await certify.waitForText(`${LIU.maskedName}的养老资格认证`)
  expect(certify.text()).toContain('由您帮父亲认证')
  expect(certify.text()).toContain('请家人本人对着摄像头做动作，您帮忙拿手机。')

  // Never asked: WeChat's dialog comes up (authorize) and the person taps 拒绝; only the settings page helps now.
  s.script.authorize = 'deny'
  await certify.tap({ text: '开始认证' })
  await certify.waitForText('需要允许使用摄像头')
  expect(s.callsOf('authorize').map((c) => c.args[0])).toEqual([expect.objectContaining({ scope: 'scope.camera' })])
  expect(s.navigations().at(-1)?.url).not.toContain('/packages/certify/camera')
  s.script.openSetting = { 'scope.camera': true }
  const nav2 = await s.navigationAfter(() => certify.tap({ text: '去打开摄像头权限' }))
  expect(s.callsOf('openSetting').map((c) => c.inTap)).toEqual([true])
  expect(nav2).toMatchObject({ name: 'navigateTo', url: `/packages/certify/camera?facing=back&relative=${relativeId}` })
  certify.close()
})

test('发给TA自己认证: the card WeChat sends carries only an opaque token; another WeChat user lands on that relative’s 认证须知; 撤销 ends it', async () => {
  const list = await familyList()
  expect(await s.navigationAfter(() => list.tap({ text: '发给TA自己认证' }))).toMatchObject({ url: `/packages/family/share?relative=${relativeId}` })
  list.close()

  const share = await s.follow()
  await share.waitForText('链接里没有姓名和身份证号')
  expect(share.text()).toContain(`${LIU.maskedName}`)
  expect(share.text()).toContain('撤销这个分享')
  // What WeChat asks the page for when 发给家人 (open-type=share) is tapped.
  const card = (share.instance.onShareAppMessage as (o: unknown) => { title: string; path: string })({ from: 'button' })
  const [route, query] = card.path.split('?share=')
  expect(route).toBe('/packages/certify/index')
  expect(query).toMatch(SHARE_TOKEN_PATTERN)
  expect(card.title).toBe(`${LIU.maskedName}的养老资格认证｜${SCAM_SHORT}`)
  expectNoIdNumber('share card', JSON.stringify(card), IDS)
  expect(card.path).not.toContain(LIU.name)

  // The parent's phone: another WeChat user opens the card's path, with exactly its query.
  const child = s.stack!.identity()
  await s.stack!.newIdentity()
  const landing = await s.loadPage(card.path)
  await landing.waitForText(`${LIU.maskedName}的养老资格认证`)
  expect(landing.text()).toContain('开始认证')
  expect(landing.text()).toContain('谨防诈骗')
  expectPageHidesIds(landing, IDS)
  landing.close()

  // Back on the child's phone (its page still open): 撤销这个分享, and the same card now says it was withdrawn.
  s.stack!.useIdentity(child)
  await share.tap({ text: '撤销这个分享' })
  await share.waitForText('分享已撤销')
  share.close()
  await s.stack!.newIdentity()
  const withdrawn = await s.loadPage(card.path)
  await withdrawn.waitForText('这个分享链接已撤回')
  expect(withdrawn.text()).not.toContain('开始认证')
  withdrawn.close()
  s.stack!.useIdentity(child)
})

test('认证记录 of a relative opens that relative’s history; 移除 asks first, then the list is empty again', async () => {
  const list = await familyList()
  expect(await s.navigationAfter(() => list.tap({ text: '认证记录' }))).toMatchObject({ name: 'navigateTo', url: `/packages/records/index?relative=${relativeId}` })
  const records = await s.follow()
  await records.waitForText('还没有认证记录')
  expect(records.text()).toContain(LIU.maskedName)
  expect(records.text()).toContain('返回家人列表')
  expectPageHidesIds(records, IDS)
  records.close()

  await list.tap({ text: '移除' })
  await list.waitForText(`确定要移除${LIU.maskedName}（父亲）吗？`)
  await list.tap({ text: '确定移除' })
  await list.waitForText('您还没有添加家人')
  list.close()
})

test('a malformed share token lands on a plain refusal, not on someone’s certification', async () => {
  const landing = await s.loadPage('packages/certify/index', { share: 'not a token' })
  await landing.waitForText('这个分享链接不能使用')
  expect(landing.text()).toContain('请联系发给您的家人')
  expect(landing.text()).not.toContain('开始认证')
  landing.close()
})

test('no ID number in any wx call but the cloud call that carries it, nor in storage', () => {
  expectNoIdNumber('wx calls and storage', wxTextBesidesCloud(s), IDS)
})
