/**
 * Steps a person takes in the H5 app, shared by the browser tests: filling a form field and binding
 * a demo retiree by hand (docs/demo-identities.md).
 */
import type { Page } from 'playwright-core'

export type InsuranceType = 'enterprise' | 'institution' | 'resident'

export interface DemoPerson {
  name: string
  idNumber: string
  cardNumber: string
  insurance: InsuranceType
}

/** Demo people used by the browser tests (fictional; server/demo/roster.csv). */
export const DEMO = {
  wangXiuying: { name: '王秀英', idNumber: '110101195203140127', cardNumber: 'A00000001', insurance: 'enterprise', personNo: 'DEMO0001' },
  liJianguo: { name: '李建国', idNumber: '430102194808050315', cardNumber: 'A00000002', insurance: 'institution', personNo: 'DEMO0002' },
} as const satisfies Record<string, DemoPerson & { personNo: string }>

export async function fillField(page: Page, name: string, value: string) {
  const input = page.locator(`[data-testid="input-${name}"] input, input[data-testid="input-${name}"]`).first()
  await input.click()
  await input.fill(value)
  await input.blur()
}

/** Fills the 手动填写 form on the bind page and taps 确认绑定 (the caller checks the outcome). */
export async function bindByHand(page: Page, p: DemoPerson) {
  await fillField(page, 'name', p.name)
  await fillField(page, 'idNumber', p.idNumber)
  await fillField(page, 'cardNumber', p.cardNumber)
  await page.locator(`[data-testid="choice-insuranceType-${p.insurance}"]`).click()
  await page.getByText('确认绑定', { exact: true }).click()
}

/** From a fresh browser profile: open the app, bind `p` by hand and wait for 首页 with 开始认证. */
export async function openAndBind(page: Page, url: string, p: DemoPerson) {
  await page.goto(url)
  await page.getByText('请先绑定社保卡').waitFor()
  await page.getByText('绑定社保卡', { exact: true }).click()
  await page.getByText('方式二：手动填写').waitFor()
  await bindByHand(page, p)
  // A certified person's 首页 has no big 开始认证, only 再认证一次.
  await page.locator('[data-testid="start-certify"], [data-testid="certify-again"]').first().waitFor()
}
