/**
 * 单位专管员 end to end (issue 16's "a 专管员 certifies a unit member"): the processes `npm start` runs,
 * the H5 app and the agency console in headless Chromium.
 *
 *  1. The demo 管理员 signs in to the console, opens 单位专管员, appoints one for 示例纺织厂（虚构） (the demo
 *     unit of 王秀英, 刘德福 and 孙淑珍) and reads the one-time invitation code off the dialog.
 *  2. The 专管员's phone (a browser profile whose camera is a recorded face clip, support/fake-camera.ts)
 *     opens 首页 → 单位专管员入口, enters the code and sees the unit's three retirees, masked, those who
 *     must certify first; taps 帮TA认证 under 刘*福 → 认证须知 (whose certification, back camera, only
 *     the opaque ref in the address) → camera → 认证通过; back on the list 刘*福 says 已认证.
 *  3. The 管理员 revokes the appointment; the phone's 单位认证 page then asks for a code again.
 *
 * Identity: local-face-match against a reference photo enrolled for 刘德福 with the real command, as
 * family.test.ts. Nothing waits a fixed time: every step waits for what the page shows.
 */
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { consoleUrlFrom, demoPasswordFrom, shoot, signInConsole } from './support/agency'
import { openBrowser, type Browser } from './support/browser'
import { fakeCameraArgs, fakeCameraFile } from './support/fake-camera'
import { eventually, fillVisible, runNpm, startFromNotice, visible, waitForContent, waitForResultPage, watchApiFailures } from './support/family-flows'
import { artifactsOnFailure } from './support/artifacts'
import { ROOT, startSystem, type RunningSystem } from './support/system'

jest.setTimeout(900_000)

const CHALLENGE = 'turn_left,blink'
const CAMERA_TO_RESULT_MS = 150_000
const REF_PHOTO = join(ROOT, '__tests__', 'fixtures', 'faces', 'cap12-ref.jpg')
const UNIT = '示例纺织厂（虚构）'
const LIU = { personNo: 'DEMO0004', masked: '刘*福' }
const ID_NUMBER = /\d{17}[\dXx]/

let system: RunningSystem
let phone: Browser | undefined
let desk: Browser | undefined
const log: string[] = []
const note = (s: string) => {
  log.push(s)
  process.stdout.write(`[unit-admin e2e] ${s}\n`)
}
const withArtifacts = artifactsOnFailure({ note, sections: () => ({ 'npm start output': system.output() }) })

beforeAll(async () => {
  mkdirSync(join(ROOT, '.tmp', 'audit'), { recursive: true })
  system = await startSystem({
    CERT_TEST_CHALLENGE: CHALLENGE,
    IDENTITY_VERIFIER: 'local-face-match',
    CERT_MIN_FPS: '3',
    ...(process.env.E2E_H5_DIR ? { H5_DIR: process.env.E2E_H5_DIR } : {}),
  })
  const r = await runNpm(['identity:enrol', '--', LIU.personNo, REF_PHOTO], { DATA_DIR: system.dataDir })
  if (r.code !== 0) throw new Error(`identity:enrol ${LIU.personNo} exited ${r.code}:\n${r.out}`)
  phone = await openBrowser(fakeCameraArgs(await fakeCameraFile('cap13_edit2', { actionLoop: true })))
  desk = await openBrowser([], { reducedMotion: true })
})

afterAll(async () => {
  await phone?.close()
  await desk?.close()
  await system?.stop()
  if (log.length) process.stdout.write(`[unit-admin e2e] summary:\n  ${log.join('\n  ')}\n`)
})

const memberEntry = (page: Page, masked: string) => visible(page, 'unit-member').filter({ has: page.locator(`[data-testid="unit-member-name"]:text-is("${masked}")`) })

test('the 管理员 appoints a 专管员 by invitation code; the 专管员 certifies a unit member on their phone; revoking ends it', async () => {
  const consoleUrl = consoleUrlFrom(system.output())
  const admin = await desk!.context.newPage()
  await admin.setViewportSize({ width: 1366, height: 768 })
  let code = ''
  await withArtifacts(admin, 'unit-admin-appoint', async () => {
    await signInConsole(admin, consoleUrl, { username: 'admin-demo', password: demoPasswordFrom(system.output(), 'admin-demo') })
    await admin.getByRole('menuitem', { name: '单位专管员' }).click()
    const row = admin.getByRole('row').filter({ hasText: UNIT }).first()
    await row.waitFor()
    expect(await row.innerText()).toContain('3')
    await shoot(admin, 'unit-admins')
    await row.getByRole('button', { name: '任命专管员' }).click()
    await admin.getByRole('button', { name: '生成邀请码' }).click()
    const shown = admin.getByTestId('invite-code')
    await shown.waitFor()
    code = ((await shown.textContent()) ?? '').trim()
    // The appoint dialog has closed (not caught fading out behind the code).
    await admin.getByRole('dialog', { name: /任命专管员/ }).waitFor({ state: 'hidden' })
    await shoot(admin, 'unit-admins-code')
    await admin.getByRole('button', { name: '我已记下' }).click()
  })
  expect(code).toMatch(/^[A-HJ-NP-Z2-9]{8}$/)
  note('appointed; invitation code read off the console')

  const page = await phone!.context.newPage()
  watchApiFailures(page, 'phone', note)
  await withArtifacts(page, 'unit-admin-phone', async () => {
    await page.goto(system.url)
    await visible(page, 'go-unit-claim').click()
    await visible(page, 'unit-claim').waitFor()
    await fillVisible(page, 'code', `${code.slice(0, 4).toLowerCase()} ${code.slice(4)}`)
    await visible(page, 'unit-claim-submit').click()
    await waitForContent(page, 'unit-list', note)
    const names = await visible(page, 'unit-member-name').allInnerTexts()
    expect(names.sort()).toEqual(['刘*福', '孙*珍', '王*英'].sort())
    expect(await visible(page, 'unit-head').innerText()).toContain(UNIT)
    expect(await page.locator('body').innerText()).not.toMatch(ID_NUMBER)
    expect(await memberEntry(page, LIU.masked).getAttribute('data-status')).not.toBe('certified')

    await memberEntry(page, LIU.masked).locator('[data-testid="unit-certify"]').click()
    const greeting = visible(page, 'greeting')
    await greeting.waitFor()
    expect(await greeting.innerText()).toContain(`${LIU.masked}的养老资格认证`)
    expect(await visible(page, 'choice-facing-back').getAttribute('data-selected')).toBe('true')
    expect(page.url()).toMatch(/\/packages\/certify\/index\?unit=[A-Za-z0-9_-]{22}$/)
    await startFromNotice(page)
    const r = await waitForResultPage(page, CAMERA_TO_RESULT_MS)
    note(`unit-admin run: result after ${r.seconds.toFixed(1)} s: ${r.text}`)
    expect(r.result).toBe('passed')
    expect(r.text).toContain('认证通过')
    await visible(page, 'go-unit').click()
    await waitForContent(page, 'unit-list', note)
    expect(await eventually(async () => (await memberEntry(page, LIU.masked).getAttribute('data-status')) ?? '', 'certified')).toBe('certified')
  })

  await withArtifacts(admin, 'unit-admin-revoke', async () => {
    await admin.reload()
    // The appointment's row: the one with 撤销 (the unit table's header also says 在任专管员).
    const row = admin.getByRole('row').filter({ has: admin.getByRole('button', { name: /撤\s*销/ }) }).first()
    await row.waitFor()
    expect(await row.innerText()).toContain('在任')
    expect(await row.innerText()).toContain(UNIT)
    await row.getByRole('button', { name: /撤\s*销/ }).click()
    await admin.getByRole('dialog').getByRole('button', { name: /撤\s*销/ }).click()
    await admin.getByRole('row').filter({ hasText: '已撤销' }).first().waitFor()
  })
  await withArtifacts(page, 'unit-admin-after-revoke', async () => {
    await page.goto(`${system.url.replace(/\/+$/, '')}/packages/unit/index`)
    await visible(page, 'unit-claim').waitFor()
  })
  note('revoked: the phone is asked for a code again')
})
