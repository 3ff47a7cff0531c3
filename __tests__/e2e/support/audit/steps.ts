/**
 * The taps that bring the H5 app into each audited state (docs/demo-identities.md for the people).
 * Taro's H5 router keeps earlier pages mounted and hidden, so every step acts on the visible element.
 */
import type { Page } from 'playwright-core'
import { fillVisible, visible } from '../family-flows'
import type { DemoPerson } from '../flows'

export const PEOPLE = {
  wang: { name: '王秀英', idNumber: '110101195203140127', cardNumber: 'A00000001', insurance: 'enterprise', personNo: 'DEMO0001' },
  li: { name: '李建国', idNumber: '430102194808050315', cardNumber: 'A00000002', insurance: 'institution', personNo: 'DEMO0002' },
  zhang: { name: '张桂兰', idNumber: '320102194106220468', cardNumber: 'A00000003', insurance: 'resident', personNo: 'DEMO0003' },
  liu: { name: '刘德福', idNumber: '110101193809170532', cardNumber: 'A00000004', insurance: 'enterprise', personNo: 'DEMO0004' },
  chen: { name: '陈玉梅', idNumber: '430102196001280688', cardNumber: 'A00000005', insurance: 'resident', personNo: 'DEMO0005' },
} as const satisfies Record<string, DemoPerson & { personNo: string }>

/** A new local account on this browser (its sign-in lives in localStorage), at 首页. */
export async function freshAccount(page: Page, url: string) {
  await page.goto(url)
  await page.evaluate('localStorage.clear()')
  await page.goto(url)
  await visible(page, 'unbound').waitFor({ timeout: 30_000 })
}

/** Waits for 首页 in either state. */
export async function home(page: Page, url: string) {
  await page.goto(url)
  await visible(page, 'unbound').or(visible(page, 'bound')).first().waitFor({ timeout: 30_000 })
}

export async function openBind(page: Page) {
  await visible(page, 'go-bind').click()
  await visible(page, 'bind-forms').waitFor()
}

/** Fills the 手动填写 form with `p` (any field may be left out) and taps 确认绑定. */
export async function submitBind(page: Page, p: Partial<DemoPerson>) {
  if (p.name !== undefined) await fillVisible(page, 'name', p.name)
  if (p.idNumber !== undefined) await fillVisible(page, 'idNumber', p.idNumber)
  if (p.cardNumber !== undefined) await fillVisible(page, 'cardNumber', p.cardNumber)
  if (p.insurance) await visible(page, `choice-insuranceType-${p.insurance}`).click()
  await visible(page, 'submit').click()
}

/** The server's refusal on the bind page (its error banner). */
export async function bindRefusal(page: Page) {
  await visible(page, 'bind-forms').locator('[data-testid="error-banner"], [role="alert"]').filter({ visible: true }).first().waitFor()
}

/** From an unbound 首页: binds `p` by hand and waits for the bound 首页. */
export async function bind(page: Page, p: DemoPerson) {
  await openBind(page)
  await submitBind(page, p)
  await visible(page, 'bound').waitFor({ timeout: 30_000 })
}

/**
 * 认证须知 → 开始认证 → the camera page. 重新认证 may lead straight to the camera (issue 12 item 8)
 * or through 认证须知 again: both are followed.
 */
export async function startCamera(page: Page) {
  const camera = page.locator('[data-testid="camera-page"]').filter({ visible: true })
  const start = visible(page, 'start')
  await camera.or(start).first().waitFor({ timeout: 30_000 })
  if (!(await camera.isVisible())) await start.click()
  await camera.waitFor({ timeout: 30_000 })
}

/** 首页 → the big 开始认证 (or, for a certified person, whichever button leads to certification). */
export async function openNotice(page: Page) {
  await visible(page, 'start-certify').or(visible(page, 'certify-again')).first().click()
  await visible(page, 'notice-why').waitFor()
}

/** From anywhere: 首页 → 绑定 / 解除绑定 → 解除绑定 → 确定, back to an unbound 首页. */
export async function unbindHere(page: Page, url: string) {
  await home(page, url)
  await visible(page, 'go-binding').click()
  await visible(page, 'unbind').click()
  await visible(page, 'unbind-yes').click()
  await visible(page, 'unbound').waitFor({ timeout: 30_000 })
}
