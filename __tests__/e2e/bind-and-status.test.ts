/**
 * The foundation end to end, as a person does it: open the H5 app served by the `npm start`
 * processes in headless Chromium, bind a demo retiree by hand, and see their 下次认证日期 and
 * history. Also: an inline ID-number message, a roster mismatch, and the backend going away.
 */
import { openBrowser, type Browser } from './support/browser'
import { bindByHand, fillField } from './support/flows'
import { startSystem, type RunningSystem } from './support/system'
import { demoDate } from './support/demo-dates'

jest.setTimeout(120_000)

let system: RunningSystem
let browser: Browser

beforeAll(async () => {
  system = await startSystem()
  browser = await openBrowser()
})

afterAll(async () => {
  await browser?.close()
  await system?.stop()
})

test('a retiree binds by hand and sees status and history', async () => {
  const page = await browser.context.newPage()
  await page.goto(system.url)

  // Not bound yet: a friendly card and one big button.
  await page.getByText('请先绑定社保卡').waitFor()
  await page.getByText('绑定社保卡', { exact: true }).click()
  await page.getByText('方式二：手动填写').waitFor()

  // A wrong check digit is explained inline, before anything is sent.
  await fillField(page, 'idNumber', '110101195203140128')
  await page.getByText('身份证号校验位错误，请核对最后一位').waitFor()

  // The right ID with someone else's card number: refused without saying which field differed.
  await bindByHand(page, { name: '王秀英', idNumber: '110101195203140127', cardNumber: 'A00000002', insurance: 'enterprise' })
  await page.getByText('填写的信息与参保登记信息不一致，请核对后重试').waitFor()

  // Correct details: back on 首页 with the status card.
  await fillField(page, 'cardNumber', 'A00000001')
  await page.getByText('确认绑定', { exact: true }).click()
  // Certified: no big 开始认证, a small 再认证一次.
  await page.getByText('再认证一次', { exact: true }).waitFor()
  const card = page.locator('[data-testid="status-card"]')
  const wangLast = demoDate('2026-03-15') // 王秀英's imported pass, moved with the calendar
  await expect(card.textContent()).resolves.toContain(wangLast.dueLabel)
  const cardText = (await card.textContent()) ?? ''
  expect(cardText).toContain('王*英')
  expect(cardText).toContain('企业职工基本养老保险')
  expect(cardText).toContain('已认证')
  // The whole ID number never reaches the screen.
  expect(await page.content()).not.toContain('110101195203140127')

  // History: the imported certification (March 2026 in the roster file).
  await page.getByText('认证记录', { exact: true }).click()
  const record = page.locator('[data-testid="record"]').first()
  await record.waitFor()
  const recordText = (await record.textContent()) ?? ''
  expect(recordText).toContain('认证通过')
  expect(recordText).toContain(wangLast.dayLabel)
  expect(recordText).toContain('本人')
  await page.close()
})

test('when the backend is unreachable the page says so and offers 重试', async () => {
  const page = await browser.context.newPage()
  // Make every cloud-function call fail at the network level, as a dead backend would.
  await page.route('**/fn/**', (route) => route.abort('connectionrefused'))
  await page.goto(system.url)
  await page.getByText('服务暂时不可用，请稍后再试').waitFor()
  const retry = page.getByText('重试', { exact: true })
  await retry.waitFor()

  // Once the service is back, 重试 recovers without reloading the page.
  await page.unroute('**/fn/**')
  await retry.click()
  await page.getByText(/请先绑定社保卡|开始认证|再认证一次/).first().waitFor()
  await page.close()
})
