/**
 * 申请上门认证 end to end in headless Chromium, against the processes `npm start` runs:
 *  - 张桂兰 (suspended, 320102) binds in the H5 app; 首页 offers 我要申诉 / 申请上门认证; the appeal page,
 *    its empty submit, the filled form, the confirm screen and 已提交 are audited at 标准 and 特大 like
 *    every page (axe, text size, targets, contrast, every shown prompt spoken), and 首页 then shows
 *    申请上门认证：已提交;
 *  - the demo 经办员 signs in to the console, opens 申诉 / 上门认证, sees the appeal (phone in full on
 *    its page), schedules the visit and closes it as certified at home (上门);
 *  - the retiree's 首页 shows 已认证 and 已上门认证通过.
 * Before filing she fails face certification three times, through the same cloud-function calls the
 * mini-program makes (a recorded clip that turns before it blinks, then a still photo twice: honest failures).
 * Nothing waits a fixed time: every step waits for what the page shows (or, for a clip, until as much
 * time has passed as the clip lasted, which the backend requires). The result page's 我要申诉 link
 * itself is covered by page tests (it needs the camera flow).
 */
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { runSession, sourceFromHeader, type ActionName } from '../../src/core/liveness'
import { stillPhoto } from '../../src/core/liveness/controls'
import { DEFAULT_LIVENESS_TIMING, livenessEngineConfig } from '../../src/core/contracts/certification'
import { SUMMARY_FIELDS } from '../../src/core/liveness/summary'
import { SPAN_TOLERANCE_MS } from '../../server/services/certification-checks'
import { loadTrace } from '../core/liveness/helpers'
import { consoleUrlFrom, demoPasswordFrom, shoot, signInConsole } from './support/agency'
import { prepareAuditPage, PageAuditor } from './support/audit/page-audit'
import { AuditLog } from './support/audit/report'
import { bind, freshAccount, home, PEOPLE } from './support/audit/steps'
import { openBrowser, type Browser } from './support/browser'
import { fillVisible, visible } from './support/family-flows'
import { ROOT, startSystem, type RunningSystem } from './support/system'

jest.setTimeout(600_000)

let system: RunningSystem
let phone: Browser
let desk: Browser
const log = new AuditLog('appeals')
/** The challenge the backend asks (CERT_TEST_CHALLENGE); clip cap12_edit turns left before it blinks. */
const CHALLENGE: ActionName[] = ['blink', 'turn_left']

async function fn(token: string, name: string, event: unknown): Promise<{ ok: boolean; data?: Record<string, unknown>; error?: { code: string } }> {
  const res = await fetch(`${system.url.replace(/\/+$/, '')}/fn/${name}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify(event ?? {}),
  })
  return (await res.json()) as { ok: boolean; data?: Record<string, unknown>; error?: { code: string } }
}

/** One honest failed certification (actions out of order), as the mini-program would report it. */
async function failOnce(token: string, attempt: number): Promise<Record<string, unknown>> {
  const started = await fn(token, 'startCertification', {})
  if (!started.ok || !started.data) throw new Error(`startCertification: ${JSON.stringify(started.error)}`)
  const startedAt = Date.now()
  // A different recording each time (a clip sent twice is refused as reused): the clip that turns
  // before it blinks, then a still photo held to the camera (two different noises).
  const trace = loadTrace(attempt === 1 ? 'cap12_edit' : 'cap13_edit2')
  const frames = attempt === 1 ? trace.frames.map((f) => ({ ...f })) : stillPhoto(trace.frames[100], 30_000, 15, 40 + attempt)
  const { verdict } = runSession(sourceFromHeader(trace.header), frames, started.data.challenge as ActionName[], livenessEngineConfig(DEFAULT_LIVENESS_TIMING))
  const summary = JSON.parse(JSON.stringify(verdict.summary)) as { data: number[] }
  const spanMs = summary.data.filter((_, i) => i % SUMMARY_FIELDS.length === 0).slice(1).reduce((a, b) => a + b, 0)
  while (Date.now() < startedAt + spanMs + SPAN_TOLERANCE_MS / 2) await new Promise((r) => setTimeout(r, 200))
  const done = await fn(token, 'completeCertification', { sessionId: started.data.sessionId, nonce: started.data.nonce, verdict: { passed: verdict.passed, reason: verdict.reason }, summary })
  if (!done.ok || !done.data) throw new Error(`completeCertification: ${JSON.stringify(done.error)}`)
  return done.data
}
const audit = new PageAuditor(log)

beforeAll(async () => {
  mkdirSync(join(ROOT, '.tmp', 'audit'), { recursive: true })
  system = await startSystem({ CERT_TEST_CHALLENGE: CHALLENGE.join(','), ...(process.env.E2E_H5_DIR ? { H5_DIR: process.env.E2E_H5_DIR } : {}) })
  phone = await openBrowser()
  desk = await openBrowser([], { reducedMotion: true })
}, 120_000)

afterAll(async () => {
  await phone?.close()
  await desk?.close()
  await system?.stop()
})

/**
 * What shoot() waits for, polled by time: its own wait polls on animation frames, which a page of a
 * browser in the background may not get again once an animation was seen (the wait then times out).
 */
async function settled(page: Page) {
  const SEL = '.ant-spin-spinning, .ant-spin-blur, .ant-skeleton, [class*="-leave-active"], [class*="-enter-active"], [class*="-appear-active"]'
  try {
    await page.waitForFunction((sel) => !document.querySelector(sel), SEL, { polling: 100 })
  } catch (e) {
    const left = await page.evaluate((sel) => Array.from(document.querySelectorAll(sel)).map((el) => `${el.tagName}.${el.className}`).join(' | '), SEL)
    throw new Error(`still animating after 30 s: ${left}`)
  }
}

async function state(title: string, reach: () => Promise<void>, measure: () => Promise<void>) {
  try {
    await reach()
  } catch (e) {
    audit.unreachable(title, e)
    throw e
  }
  await measure()
}

test('a retiree files 申请上门认证, a clerk schedules and closes it in the console, and 首页 shows 已认证 (上门)', async () => {
  const url = system.url
  const page: Page = await phone.context.newPage()
  await prepareAuditPage(page)
  let token = ''
  page.on('request', (req) => {
    const auth = req.headers().authorization
    if (req.url().includes('/fn/') && auth?.startsWith('Bearer ')) token = auth.slice('Bearer '.length)
  })

  await state(
    '首页 with 我要申诉',
    async () => {
      await freshAccount(page, url)
      await bind(page, PEOPLE.zhang)
      // Three failed face certifications today.
      expect(token).not.toBe('')
      for (let i = 1; i <= 3; i++) expect(await failOnce(token, i)).toMatchObject({ result: 'failed', failuresToday: i })
      await home(page, url)
      await visible(page, 'go-appeal').waitFor({ timeout: 30_000 })
    },
    () => audit.visit(page, 'home-appeal-none', '首页 with 我要申诉'),
  )
  await state(
    '申诉 form',
    async () => {
      await visible(page, 'go-appeal').click()
      await visible(page, 'appeal-form').waitFor({ timeout: 30_000 })
    },
    () => audit.visit(page, 'appeal-form', '申诉 form'),
  )
  await state(
    '申诉 empty submit',
    async () => {
      await visible(page, 'next').click()
      await visible(page, 'error-phone').waitFor()
    },
    () => audit.visit(page, 'appeal-required', '申诉 empty submit'),
  )
  await state(
    // The address is typed in full before 下一步: all of it must be in view, at 特大 too (several lines).
    '申诉 filled in',
    async () => {
      await visible(page, 'choice-kind-home_visit').click()
      await visible(page, 'choice-reason-bedridden').click()
      await fillVisible(page, 'phone', '13800135678')
      await fillVisible(page, 'address', '南京市玄武区示例路8号2单元301')
    },
    () => audit.visit(page, 'appeal-filled', '申诉 filled in'),
  )
  await state(
    '申诉 confirm',
    async () => {
      await visible(page, 'choice-kind-home_visit').click()
      await visible(page, 'choice-reason-bedridden').click()
      await fillVisible(page, 'phone', '13800135678')
      await fillVisible(page, 'address', '南京市玄武区示例路8号2单元301')
      await visible(page, 'next').click()
      await visible(page, 'appeal-confirm').waitFor()
    },
    () => audit.visit(page, 'appeal-confirm', '申诉 confirm'),
  )
  expect(await visible(page, 'appeal-confirm').textContent()).toContain('138****5678')
  await state(
    '申诉 已提交',
    async () => {
      await visible(page, 'submit').click()
      await visible(page, 'appeal-done').waitFor({ timeout: 30_000 })
    },
    () => audit.visit(page, 'appeal-done', '申诉 已提交'),
  )
  await state(
    '首页 申诉已提交',
    async () => {
      await home(page, url)
      await page.locator('[data-testid="appeal-line"][data-state="submitted"]').filter({ visible: true }).waitFor({ timeout: 30_000 })
    },
    () => audit.visit(page, 'home-appeal-submitted', '首页 申诉已提交'),
  )
  expect(await visible(page, 'appeal-line').textContent()).toContain('申请上门认证：已提交')

  // ---- the console: the demo 经办员 schedules and closes it ----
  const consoleUrl = consoleUrlFrom(system.output())
  const desktop = await desk.context.newPage()
  await desktop.setViewportSize({ width: 1366, height: 768 })
  await signInConsole(desktop, consoleUrl, { username: 'clerk-demo', password: demoPasswordFrom(system.output(), 'clerk-demo') })
  await desktop.goto(`${consoleUrl.replace(/\/+$/, '')}/appeals`)
  const open = desktop.getByTestId(`appeal-open-${PEOPLE.zhang.personNo}`)
  await open.waitFor()
  await settled(desktop)
  await shoot(desktop, 'appeals')
  await open.click()
  await desktop.getByText('13800135678').waitFor()
  await desktop.getByText('南京市玄武区示例路8号2单元301').waitFor()
  const visitDay = await desktop.evaluate(() => {
    const d = new Date(Date.now() + 8 * 3_600_000 + 3 * 86_400_000)
    return d.toISOString().slice(0, 10)
  })
  // antd's DatePicker puts the data-testid on its <input>.
  const dateInput = desktop.locator('input[data-testid="appeal-visit-date"], [data-testid="appeal-visit-date"] input').first()
  await dateInput.click()
  await dateInput.fill(visitDay)
  await dateInput.press('Enter')
  // The calendar closes before the next field is used (and before a screenshot waits for animations).
  await desktop.locator('.ant-picker-dropdown').filter({ visible: true }).waitFor({ state: 'hidden' }).catch(() => undefined)
  await desktop.locator('.ant-picker-dropdown:not(.ant-picker-dropdown-hidden)').waitFor({ state: 'detached', timeout: 10_000 }).catch(() => undefined)
  await desktop.getByTestId('appeal-visit-staff').fill('李四')
  await desktop.getByTestId('appeal-schedule').click()
  await desktop.locator('[data-testid="appeal-state"]', { hasText: '已安排上门' }).waitFor()
  await settled(desktop)
  await shoot(desktop, 'appeal-scheduled')

  // The retiree sees the day before the visit.
  await home(page, url)
  await page.locator('[data-testid="appeal-line"][data-state="visit_scheduled"]').filter({ visible: true }).waitFor({ timeout: 30_000 })
  expect(await visible(page, 'appeal-line').textContent()).toContain(visitDay)

  await desktop.getByTestId('appeal-close').click()
  await desktop.locator('[data-testid="appeal-state"]', { hasText: '已完成' }).waitFor()
  await settled(desktop)
  await shoot(desktop, 'appeal-closed')

  await home(page, url)
  await page.locator('[data-testid="appeal-line"][data-state="completed"]').filter({ visible: true }).waitFor({ timeout: 30_000 })
  const bound = (await visible(page, 'bound').textContent()) ?? ''
  expect(bound).toContain('已认证')
  expect(bound).toContain('已上门认证通过')
  await audit.visit(page, 'home-appeal-completed', '首页 申诉已完成')

  const report = log.write()
  if (log.findings.length) throw new Error(`the elder-first audit found ${log.findings.length} problems (.tmp/audit/report.md):\n\n${report}`)
})
