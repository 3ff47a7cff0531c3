/**
 * The shared controls in a real browser (issue 12 items 1, 3, 10, 11): Tab reaches 绑定社保卡 and
 * shows a ring, Enter opens it, each input's whole box takes a tap and is named by its label, the
 * 字号 choice doubles the body text at 特大 and is remembered, and a choice's ●/○ keeps clear of its
 * words. Screenshots of 首页 and 绑定 at both sizes go to .tmp/ui/ (look at them).
 * E2E_H5_DIR runs it on another H5 build than dist/h5 (helpers build beside each other).
 */
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { openBrowser, type Browser } from './support/browser'
import { ROOT, startSystem, type RunningSystem } from './support/system'

jest.setTimeout(120_000)

const SHOTS = join(ROOT, '.tmp', 'ui')
let system: RunningSystem
let browser: Browser

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true })
  system = await startSystem(process.env.E2E_H5_DIR ? { H5_DIR: process.env.E2E_H5_DIR } : {})
  browser = await openBrowser()
})

afterAll(async () => {
  await browser?.close()
  await system?.stop()
})

/** Font size in px of the first element matching `selector`. */
async function fontPx(page: Page, selector: string): Promise<number> {
  return page.locator(selector).first().evaluate((el) => parseFloat(getComputedStyle(el).fontSize))
}

async function settled(page: Page) {
  // Taro's page transition: wait until the page root stops moving before measuring or shooting.
  await page.waitForFunction(() => {
    const pages = Array.from(document.querySelectorAll('.yl-page'))
    const el = pages[pages.length - 1]
    if (!el) return false
    const x = el.getBoundingClientRect().left
    const w = window as unknown as { __ylLastX?: number }
    const same = w.__ylLastX === x
    w.__ylLastX = x
    return same && x === 0
  }, undefined, { polling: 100 })
}

/** The page scrolls inside Taro's container, so a full-page shot shows only the top: shoot each part. */
async function shootForm(page: Page, size: string) {
  for (const part of ['field-name', 'field-cardNumber', 'field-insuranceType', 'submit']) {
    await page.getByTestId(part).scrollIntoViewIfNeeded()
    await page.screenshot({ path: join(SHOTS, `bind-${size}-${part}.png`) })
  }
}

test('keyboard: Tab reaches 绑定社保卡 with a visible ring, Enter opens 绑定; inputs are whole-box and labelled', async () => {
  const page = await browser.context.newPage()
  await page.goto(system.url)
  await page.getByTestId('go-bind').waitFor()
  await settled(page)

  // Buttons are exposed as buttons; the 字号 choice is a labelled radio group.
  expect(await page.getByRole('button').count()).toBeGreaterThan(3)
  await page.getByRole('radiogroup', { name: '字号' }).getByRole('radio', { name: '标准' }).waitFor()
  expect(await page.getByRole('radio', { name: '标准' }).getAttribute('aria-checked')).toBe('true')

  let reached = ''
  for (let i = 0; i < 30 && reached !== '绑定社保卡'; i++) {
    await page.keyboard.press('Tab')
    reached = await page.evaluate(() => (document.activeElement?.textContent ?? '').trim())
  }
  expect(reached).toBe('绑定社保卡')
  const ring = await page.evaluate(() => {
    const s = getComputedStyle(document.activeElement as Element)
    return { style: s.outlineStyle, width: parseFloat(s.outlineWidth), color: s.outlineColor }
  })
  expect(ring.style).toBe('solid')
  expect(ring.width).toBeGreaterThanOrEqual(3)
  await page.screenshot({ path: join(SHOTS, 'home-focus-standard.png') })

  await page.keyboard.press('Enter')
  await page.getByText('方式二：手动填写').waitFor()
  await settled(page)

  // Tapping the words 姓名 puts the cursor in its box.
  await page.locator('label', { hasText: '姓名' }).first().click()
  expect(await page.evaluate(() => (document.activeElement as HTMLInputElement | null)?.getAttribute('aria-invalid'))).toBe('false')
  expect(await page.getByRole('textbox', { name: '姓名', exact: true }).evaluate((el) => el === document.activeElement)).toBe(true)

  // Named by its visible label, and the real input is the whole 60-px box.
  const input = page.getByRole('textbox', { name: '社会保障卡号', exact: true })
  await input.waitFor()
  const box = await input.boundingBox()
  const host = await page.locator('[data-testid="input-cardNumber"]').boundingBox()
  expect(box && host).toBeTruthy()
  expect(box!.height).toBeGreaterThanOrEqual(60)
  expect(box!.width).toBeGreaterThanOrEqual(host!.width - 0.5)
  expect(box!.height).toBeGreaterThanOrEqual(host!.height - 0.5)
  // A tap low in the box (where the old 29-px input did not reach) puts the cursor in the field.
  await page.mouse.click(host!.x + host!.width - 20, host!.y + host!.height - 8)
  expect(await input.evaluate((el) => el === document.activeElement)).toBe(true)
  // Choices: Space picks the focused one, ↓ moves the choice and the focus to the next.
  const group = page.getByRole('radiogroup', { name: '险种（请选择一项）' })
  const first = group.getByRole('radio', { name: '企业职工基本养老保险' })
  await first.focus()
  await page.keyboard.press('Space')
  await page.waitForFunction(() => document.querySelector('[data-testid="choice-insuranceType-enterprise"]')?.getAttribute('aria-checked') === 'true')
  await page.keyboard.press('ArrowDown')
  const second = group.getByRole('radio', { name: '机关事业单位养老保险' })
  await page.waitForFunction(() => document.querySelector('[data-testid="choice-insuranceType-institution"]')?.getAttribute('aria-checked') === 'true')
  expect(await second.evaluate((el) => el === document.activeElement)).toBe(true)
  expect(await first.getAttribute('aria-checked')).toBe('false')
  await shootForm(page, 'standard')
  await page.close()
})

test('字号 特大: body text is twice 标准 on every page, remembered, and choice marks keep clear of the words', async () => {
  const page = await browser.context.newPage()
  await page.goto(system.url)
  await page.getByTestId('go-bind').waitFor()
  await settled(page)
  const body = '.yl-notice__body'
  const standard = await fontPx(page, body)
  expect(standard).toBeGreaterThanOrEqual(18)
  await page.screenshot({ path: join(SHOTS, 'home-standard.png'), fullPage: true })

  await page.getByTestId('font-size-xlarge').click()
  await page.waitForFunction((px) => parseFloat(getComputedStyle(document.querySelector('.yl-notice__body')!).fontSize) === px * 2, standard)
  expect(await page.getByTestId('font-size-xlarge').getAttribute('aria-checked')).toBe('true')
  await page.screenshot({ path: join(SHOTS, 'home-xlarge.png'), fullPage: true })

  // Remembered: a reload comes back at 特大.
  await page.reload()
  await page.getByTestId('go-bind').waitFor()
  expect(await fontPx(page, body)).toBe(standard * 2)

  await page.getByText('绑定社保卡', { exact: true }).click()
  await page.getByText('方式二：手动填写').waitFor()
  await settled(page)
  expect(await fontPx(page, '.yl-field__label')).toBe(standard * 2)
  // Each ○ ends before its words begin; the input box grew with the text.
  const overlaps = await page.evaluate(() =>
    Array.from(document.querySelectorAll('.yl-choice')).map((c) => {
      const mark = c.querySelector('.yl-choice__mark')!.getBoundingClientRect()
      const text = c.querySelector('.yl-choice__text')!.getBoundingClientRect()
      return mark.right - text.left
    }),
  )
  expect(overlaps.length).toBeGreaterThan(1)
  for (const o of overlaps) expect(o).toBeLessThanOrEqual(0)
  const grown = await page.getByRole('textbox', { name: '社会保障卡号', exact: true }).boundingBox()
  expect(grown!.height).toBeGreaterThanOrEqual(76)
  // The card picture's words follow the size too (none below 36 px at 特大).
  const cardTexts = await page.evaluate(() =>
    Array.from(document.querySelectorAll('.yl-card-pic *'))
      .filter((el) => el.childElementCount === 0 && (el.textContent ?? '').trim())
      .map((el) => parseFloat(getComputedStyle(el).fontSize)),
  )
  expect(cardTexts.length).toBeGreaterThan(4)
  expect(Math.min(...cardTexts)).toBeGreaterThanOrEqual(36)
  await shootForm(page, 'xlarge')
  await page.close()
})
