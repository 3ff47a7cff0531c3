/**
 * Steps of the 家人 / share card / printed notice flows in the H5 app, for __tests__/e2e/family.test.ts.
 * Taro's H5 router keeps earlier pages of the stack in the DOM (hidden), so every locator here acts
 * on the visible element only.
 */
import { spawn } from 'node:child_process'
import type { Locator, Page } from 'playwright-core'
import { ROOT } from './system'

export type RelationValue = 'father' | 'mother' | 'spouse' | 'other'

export function visible(page: Page, testId: string): Locator {
  return page.locator(`[data-testid="${testId}"]`).filter({ visible: true })
}

export async function fillVisible(page: Page, name: string, value: string) {
  const input = page.locator(`[data-testid="input-${name}"] input, [data-testid="input-${name}"] textarea, input[data-testid="input-${name}"]`).filter({ visible: true }).first()
  await input.click()
  await input.fill(value)
  await input.blur()
}

/**
 * Waits for the page's content (testId) or its error banner. Right after a completion the backend may
 * shed load for about a second (@fastify/under-pressure answers 503 while its event-loop delay sample
 * still holds the identity check's face embedding, see certify.test.ts): the page then shows
 * 服务暂时不可用 with 重试, and a person taps 重试 — so does this, once (noted).
 */
export async function waitForContent(page: Page, testId: string, note?: (s: string) => void) {
  const content = visible(page, testId)
  const banner = visible(page, 'error-banner')
  await content.or(banner).first().waitFor()
  if (!(await content.isVisible()) && (await banner.isVisible())) {
    note?.(`${testId}: first answered ${await banner.getAttribute('data-code')}; tapping 重试 after 2 s`)
    await page.waitForTimeout(2000)
    await visible(page, 'retry').click()
  }
  await content.waitFor()
}

/** 首页 → 家人认证 (the list page, loaded). */
export async function openFamilyFromHome(page: Page, note?: (s: string) => void) {
  await visible(page, 'go-family').click()
  await waitForContent(page, 'family', note)
}

/** On the 家人 list: 添加家人 → the form → 确认添加 → 已添加 → back to the (re-read) list. */
export async function addRelative(page: Page, p: { name: string; idNumber: string }, relation: RelationValue): Promise<string> {
  await visible(page, 'add').click()
  await visible(page, 'submit').waitFor()
  await fillVisible(page, 'name', p.name)
  await fillVisible(page, 'idNumber', p.idNumber)
  await visible(page, `choice-relation-${relation}`).click()
  await visible(page, 'submit').click()
  const added = visible(page, 'added')
  await added.or(visible(page, 'add-error')).first().waitFor()
  const text = (await visible(page, 'added').or(visible(page, 'add-error')).first().innerText()).replace(/\s+/g, ' ')
  if (!(await added.isVisible())) throw new Error(`添加家人 refused: ${text}`)
  await visible(page, 'back-to-list').click()
  await visible(page, 'family').waitFor()
  return text
}

/** The visible 家人 entry whose title starts with the masked name (e.g. 李*国). */
export function relativeEntry(page: Page, maskedName: string): Locator {
  return visible(page, 'relative').filter({ has: page.locator('[data-testid="relative-name"]', { hasText: maskedName }) })
}

/** The status words of an entry (已认证 / 待认证 / 已逾期，暂停发放). */
export async function relativeStatus(page: Page, maskedName: string): Promise<string> {
  const entry = relativeEntry(page, maskedName)
  await entry.waitFor()
  return ((await entry.locator('[data-testid="relative-status"]').textContent()) ?? '').trim()
}

/** 认证须知 (any landing that is ready) → 开始认证 → the camera page. */
export async function startFromNotice(page: Page) {
  await visible(page, 'notice-why').waitFor()
  await visible(page, 'start').click()
  await page.locator('[data-testid="camera-page"]').waitFor({ timeout: 30_000 })
}

/** Waits for the result page (or fails with what the camera page says). Returns its text and the seconds it took. */
export async function waitForResultPage(page: Page, timeoutMs: number): Promise<{ text: string; result: string | null; seconds: number }> {
  const t0 = Date.now()
  const result = page.locator('[data-testid="result"]')
  try {
    await result.waitFor({ timeout: timeoutMs })
  } catch (e) {
    const stage = await page.locator('[data-testid="camera-page"]').getAttribute('data-stage', { timeout: 1000 }).catch(() => null)
    const shown = await page.locator('[data-testid="camera-page"]').innerText({ timeout: 1000 }).catch(() => '')
    throw new Error(`no result page after ${timeoutMs / 1000} s (stage ${stage}; the page says: ${shown.replace(/\s+/g, ' ')}): ${String(e)}`)
  }
  return {
    text: ((await result.textContent()) ?? '').replace(/\s+/g, ' ').trim(),
    result: await result.getAttribute('data-result'),
    seconds: (Date.now() - t0) / 1000,
  }
}

/** Runs an npm script of this repository against the running system's data directory. */
export function runNpm(args: string[], env: Record<string, string>): Promise<{ code: number; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('npm', ['run', '--silent', ...args], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let out = ''
    child.stdout.on('data', (c) => (out += c))
    child.stderr.on('data', (c) => (out += c))
    child.on('error', reject)
    child.on('exit', (code) => resolve({ code: code ?? -1, out }))
  })
}

/** Notes every failed call to the app's functions (network failure or an error answer). */
export function watchApiFailures(page: Page, label: string, note: (s: string) => void) {
  page.on('requestfailed', (req) => {
    if (req.url().includes('/fn/')) note(`${label}: ${req.method()} ${new URL(req.url()).pathname} failed: ${req.failure()?.errorText}`)
  })
  page.on('response', async (res) => {
    if (!res.url().includes('/fn/')) return
    const body = await res.text().catch(() => '')
    if (res.status() >= 400 || /"ok"\s*:\s*false/.test(body)) note(`${label}: ${new URL(res.url()).pathname} → ${res.status()} ${body.slice(0, 200)}`)
  })
}

/** Reads `read()` until it answers `want` (or the time is up); answers the last value read. */
export async function eventually<T>(read: () => Promise<T>, want: T, timeoutMs = 10_000): Promise<T> {
  const end = Date.now() + timeoutMs
  let last = await read()
  while (last !== want && Date.now() < end) {
    await new Promise((r) => setTimeout(r, 250))
    last = await read()
  }
  return last
}
