/**
 * The agency console in headless Chromium against the processes `npm start` runs, with identity
 * verification sending every certification to manual review (IDENTITY_VERIFIER=manual-review):
 *
 *  - a retiree (李建国, due this month) binds in the H5 app and certifies through the same cloud-
 *    function calls the mini-program makes (a recorded clip's summary): the record waits for review;
 *  - the demo 管理员 signs in (one-time password → TOTP enrolment from the secret the page shows →
 *    new password) and creates a 审核员 on 账号管理 (its one-time password read off the page);
 *  - the demo 经办员 records a 上门 certification for 张桂兰 (suspended): the 逾期名单 shrinks by one;
 *  - the 审核员 signs in with TOTP, approves the pending record, and the retiree's 首页 in the H5 app
 *    shows 已认证 with the new due month; then the results export downloads and its rows match the
 *    records in the database.
 *
 * Every console page is photographed at 1366×768 to .tmp/audit/console-<page>.png. Nothing waits a
 * fixed time: every step waits for what the page shows.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { parse } from 'csv-parse/sync'
import type { BrowserContext, Page } from 'playwright-core'
import { REVIEW_HOLD_REASON_LABELS } from '../../src/core/contracts/agency/review'
import { RECORD_RESULT_LABELS, type RecordResult } from '../../src/core/contracts/common'
import { openStore, type Store } from '../../server/db/connect'
import { EXPORT_SETTLE_MS } from '../../server/services/agency/exports'
import { cancelThroughFunctions, certifyThroughFunctions, consoleUrlFrom, demoPasswordFrom, shoot, signInConsole, signOutConsole, AGENCY_E2E_CHALLENGE } from './support/agency'
import { boundSubscriber, flagPerson, pendingRecord, personByNo } from '../server/routes/agency/review-support'
import { openBrowser, type Browser } from './support/browser'
import { DEMO, openAndBind } from './support/flows'
import { ROOT, startSystem, type RunningSystem } from './support/system'

jest.setTimeout(300_000)

const DESK = { width: 1366, height: 768 }
const ZHANG = { personNo: 'DEMO0003', name: '张桂兰', idNumber: '320102194106220468' }

let system: RunningSystem
let phone: Browser
let desk: Browser
let consoleUrl: string
let store: Store

beforeAll(async () => {
  mkdirSync(join(ROOT, '.tmp', 'audit'), { recursive: true })
  system = await startSystem({ IDENTITY_VERIFIER: 'manual-review', CERT_TEST_CHALLENGE: AGENCY_E2E_CHALLENGE.join(','), CERT_WORKERS: '1' })
  consoleUrl = consoleUrlFrom(system.output())
  phone = await openBrowser()
  desk = await openBrowser([], { reducedMotion: true })
  store = openStore({ sqlitePath: join(system.dataDir, 'yinling.sqlite') })
}, 120_000)

afterAll(async () => {
  // What npm start printed (demo sign-ins, backend warnings), for reading after a failure.
  if (system) writeFileSync(join(ROOT, '.tmp', 'audit', 'console-e2e-start-output.txt'), system.output())
  await store?.db.destroy()
  await phone?.close()
  await desk?.close()
  await system?.stop()
})

/** Anything the browser refused under the console's Content-Security-Policy, or page errors. */
const refusals: string[] = []

async function deskPage(context: BrowserContext): Promise<Page> {
  const page = await context.newPage()
  await page.setViewportSize(DESK)
  page.on('console', (msg) => {
    if (msg.type() === 'error' && /Content Security Policy|Refused to/i.test(msg.text())) refusals.push(msg.text())
  })
  page.on('pageerror', (err) => refusals.push(`page error: ${err.message}`))
  return page
}

/**
 * The 逾期名单 page's total, and the XLSX export under the same (no) filters: the export reports as
 * many rows as the list counts, and its file downloads.
 */
async function overdueCount(page: Page): Promise<number> {
  await page.getByRole('menuitem', { name: '逾期名单' }).click()
  const total = page.getByTestId('overdue-total')
  await total.getByText(/共 [\d,]+ 人/).waitFor()
  const listed = Number(/共 ([\d,]+) 人/.exec((await total.textContent()) ?? '')![1].replace(/,/g, ''))
  const progress = page.getByTestId('overdue-export-progress')
  const downloaded = page.waitForEvent('download')
  await page.getByTestId('overdue-export').click()
  await progress.getByText(/已生成 [\d,]+ 行/).waitFor()
  const download = await downloaded
  expect(download.suggestedFilename()).toMatch(/\.xlsx$/)
  const exported = Number(/已生成 ([\d,]+) 行/.exec((await progress.textContent()) ?? '')![1].replace(/,/g, ''))
  expect(exported).toBe(listed)
  return listed
}

test('a reviewer approves a pending certification, a clerk records a 上门 certification, the results export matches the records', async () => {
  // 1. The retiree certifies in the H5 app's flow; face matching is off, so the record waits for review.
  const h5 = await phone.context.newPage()
  let token = ''
  h5.on('request', (req) => {
    const auth = req.headers().authorization
    if (req.url().includes('/fn/') && auth?.startsWith('Bearer ')) token = auth.slice('Bearer '.length)
  })
  await openAndBind(h5, system.url, DEMO.liJianguo)
  expect(token).not.toBe('')
  // A first try the retiree leaves before a result: closed as cancelled, nothing recorded.
  await expect(cancelThroughFunctions(system.url, token)).resolves.toEqual({ state: 'cancelled', changed: true })
  const completed = await certifyThroughFunctions(system.url, token)
  expect(completed.result).toBe('pending_review')

  const page = await deskPage(desk.context)

  // 2. The demo 管理员: one-time password, TOTP enrolment, new password; creates a 审核员.
  await page.goto(consoleUrl)
  await page.getByTestId('signin-username').waitFor()
  await shoot(page, 'signin')
  const admin = await signInConsole(page, consoleUrl, { username: 'admin-demo', password: demoPasswordFrom(system.output(), 'admin-demo') }, (step) => shoot(page, `signin-${step}`))
  expect(admin.totp?.secret).toMatch(/^[A-Z2-7]{16,}$/)
  await page.getByRole('menuitem', { name: '账号管理' }).click()
  await page.getByRole('cell', { name: 'clerk-demo' }).waitFor()
  await shoot(page, 'users')
  await page.getByRole('button', { name: '新建账号' }).click()
  const dialog = page.getByRole('dialog', { name: '新建账号' })
  await dialog.getByLabel('用户名').fill('reviewer-e2e')
  await dialog.getByLabel('姓名').fill('测试审核员')
  await dialog.getByLabel('岗位').click()
  await page.getByTitle('审核员').click()
  await dialog.getByRole('button', { name: /创\s*建/ }).click()
  const created = page.getByRole('dialog', { name: '账号已创建' })
  await created.waitFor()
  await shoot(page, 'users-created')
  const reviewerOtp = ((await created.locator('.ant-typography').nth(1).textContent()) ?? '').trim()
  expect(reviewerOtp).toMatch(/^\S{8,}$/)
  await created.getByRole('button', { name: '我已记下' }).click()
  await page.getByRole('menuitem', { name: '名册导入' }).click()
  await page.getByText('点击选择名册文件').waitFor()
  await shoot(page, 'roster')
  // A roster with a bad ID number: nothing is imported, the row is named, the report downloads.
  const header = readFileSync(join(ROOT, 'server', 'demo', 'roster.csv'), 'utf8').split(/\r?\n/)[0]
  const badRow = 'DEMO0099,测试人员,110101195203140128,A00000099,,企业职工基本养老保险,正常,2026-03-15,110101'
  await page.locator('input[type="file"]').setInputFiles({ name: '名册-有错误.csv', mimeType: 'text/csv', buffer: Buffer.from(`${header}\n${badRow}\n`) })
  await page.getByText('有错误，未导入').waitFor()
  await page.getByRole('cell', { name: '2', exact: true }).first().waitFor()
  await shoot(page, 'roster-errors')
  const report = page.waitForEvent('download')
  await page.getByRole('button', { name: '下载错误明细' }).click()
  expect((await report).suggestedFilename()).toMatch(/\.(csv|txt|xlsx)$/)
  await signOutConsole(page)

  // 3. The demo 经办员 records a 上门 certification for a suspended person: the overdue list shrinks by one.
  await signInConsole(page, consoleUrl, { username: 'clerk-demo', password: demoPasswordFrom(system.output(), 'clerk-demo') })
  await page.getByRole('img', { name: '逾期、暂停发放人数走势折线图' }).waitFor()
  await shoot(page, 'overview')
  // 陈玉梅 (DEMO0005), certified this cycle, was suspended on the roster: she is on the list, said not to be late.
  const chen = await personByNo(store.db, 'DEMO0005')
  await store.db.updateTable('persons').set({ benefit_status: 'suspended', suspended_since: new Date().toISOString().slice(0, 10) }).where('id', '=', chen.id).execute()
  const before = await overdueCount(page)
  await expect(page.getByTestId(`overdue-agency-${'DEMO0005'}`).innerText()).resolves.toContain('未到期，机构暂停')
  await shoot(page, 'overdue')
  expect(before).toBeGreaterThan(0)
  await page.getByRole('menuitem', { name: '线下认证登记' }).click()
  await page.getByTestId('person-search-text').fill(ZHANG.personNo)
  await page.getByTestId('person-search-go').click()
  await page.getByTestId(`offline-pick-${ZHANG.personNo}`).click()
  await page.getByTestId('offline-person').waitFor()
  await page.locator('label.ant-radio-button-wrapper', { hasText: '上门' }).click()
  await page.getByTestId('offline-place').fill('张桂兰家中（示例街道 1 号）')
  await page.locator('label.ant-radio-button-wrapper', { hasText: '入户' }).click()
  await shoot(page, 'offline')
  await page.getByTestId('offline-submit').click()
  const done = page.getByTestId('offline-done')
  await done.waitFor()
  await expect(done.textContent()).resolves.toContain('已恢复发放')
  await shoot(page, 'offline-done')
  expect(await overdueCount(page)).toBe(before - 1)
  // 陈玉梅's page says the agency suspended her payment: not that she is late, nor that she has not certified.
  await page.getByRole('menuitem', { name: '人员查询' }).click()
  await page.getByTestId('person-search-text').fill('DEMO0005')
  await page.getByTestId('person-search-go').click()
  await page.getByTestId('person-open-DEMO0005').click()
  await page.getByText('此人的待遇已由机构暂停发放（未到认证期限）').waitFor()
  await shoot(page, 'person-agency-suspended')
  // Found by ID number: it travels in a POST body, never in a URL; the results show it masked.
  const urls: string[] = []
  page.on('request', (req) => urls.push(req.url()))
  await page.getByRole('menuitem', { name: '人员查询' }).click()
  await page.getByTestId('person-search-mode').click()
  await page.getByTitle('身份证号', { exact: true }).click()
  await page.getByTestId('person-search-text').fill(ZHANG.idNumber)
  await page.getByTestId('person-search-go').click()
  await page.getByTestId(`person-open-${ZHANG.personNo}`).waitFor()
  await shoot(page, 'persons')
  expect(await page.locator('.ant-table').textContent()).not.toContain(ZHANG.idNumber)
  // The person page (the one page with the full ID number) shows the new standing.
  await page.getByTestId(`person-open-${ZHANG.personNo}`).click()
  await expect(page.getByTestId('person-standing').textContent()).resolves.toBe('已认证')
  await expect(page.getByTestId('person-details').textContent()).resolves.toContain(ZHANG.idNumber)
  await shoot(page, 'person-detail')
  expect(urls.filter((u) => u.includes(ZHANG.idNumber))).toEqual([])
  await signOutConsole(page)

  // 4. The new 审核员 signs in (enrols TOTP from the page's secret) and approves the pending record.
  const reviewer = await signInConsole(page, consoleUrl, { username: 'reviewer-e2e', password: reviewerOtp })
  // Also waiting: a face certification of 张桂兰, held because another department reported her dead
  // (the report and the record written as the signals import and a completion write them). The
  // queue flags it, and the reviewer is warned before deciding; she leaves it for now.
  const zhang = await personByNo(store.db, ZHANG.personNo)
  const nowIso = new Date().toISOString()
  await flagPerson(store.db, zhang.id, { now: nowIso })
  await pendingRecord(store.db, zhang.id, await boundSubscriber(store.db, zhang.id, nowIso), nowIso, undefined, 'death_report_open')
  await page.getByRole('menuitem', { name: '人工审核' }).click()
  await page.getByTestId(`review-open-${DEMO.liJianguo.personNo}`).waitFor()
  await page.getByTestId(`review-death-report-${ZHANG.personNo}`).waitFor()
  expect(await page.getByTestId(`review-death-report-${DEMO.liJianguo.personNo}`).count()).toBe(0)
  // 转人工原因 per row: this agency reviews every face certification; hers was held for the report.
  const holdOfRow = (personNo: string) => page.getByRole('row').filter({ has: page.getByTestId(`review-open-${personNo}`) }).getByTestId('review-hold').innerText()
  await expect(holdOfRow(DEMO.liJianguo.personNo)).resolves.toBe('机构设定人工审核')
  await expect(holdOfRow(ZHANG.personNo)).resolves.toBe('有未核实的死亡信息')
  await shoot(page, 'reviews')
  await page.getByTestId(`review-open-${ZHANG.personNo}`).click()
  await page.getByTestId('review-death-report').waitFor()
  expect(await page.getByTestId('review-reason').innerText()).toBe(REVIEW_HOLD_REASON_LABELS.death_report_open)
  await shoot(page, 'review-death-report')
  // Approving asks once more, naming the death report; she steps back (再看看).
  await page.getByTestId('review-approve').click()
  const askAgain = page.locator('.ant-modal-confirm')
  await expect(askAgain.innerText()).resolves.toContain('此人有未核实的死亡信息')
  await askAgain.getByRole('button', { name: '再看看' }).click()
  await askAgain.waitFor({ state: 'detached' })
  await page.getByRole('button', { name: '返回审核列表' }).click()
  await page.getByTestId(`review-open-${DEMO.liJianguo.personNo}`).click()
  await page.getByTestId('review-approve').waitFor()
  // The reviewer is told why it came to review: this agency sends every face certification to a person.
  expect(await page.getByTestId('review-reason').innerText()).toBe(REVIEW_HOLD_REASON_LABELS.agency_policy)
  await shoot(page, 'review-detail')
  // A second tab on the same record (as a colleague's screen would be), still showing the buttons.
  const stale = await deskPage(desk.context)
  await stale.goto(page.url())
  await stale.getByTestId('review-approve').waitFor()
  await page.getByTestId('review-approve').click()
  await page.getByRole('button', { name: '确认通过' }).click()
  const approved = page.getByTestId('review-done')
  await approved.waitFor()
  await shoot(page, 'review-approved')
  const nextDue = /下次认证：(\d{4})年(\d{1,2})月/.exec((await approved.textContent()) ?? '')
  expect(nextDue).not.toBeNull()
  // Deciding it again from the stale tab: refused, and told plainly who decided it and when.
  await stale.getByTestId('review-reject').click()
  await stale.locator('label.ant-radio-button-wrapper', { hasText: '照片模糊无法辨认' }).click()
  await stale.getByRole('button', { name: '确认不通过' }).click()
  await expect(stale.getByTestId('review-refused').textContent()).resolves.toMatch(/已由测试审核员于.*审核为“通过”/)
  await expect(stale.getByTestId('review-decided').textContent()).resolves.toContain('测试审核员')
  await shoot(stale, 'review-already-decided')
  await stale.close()

  // 5. The retiree's 首页 shows 已认证 with the new due month.
  await h5.reload()
  const card = h5.locator('[data-testid="status-card"]')
  await card.waitFor()
  await expect(card.getAttribute('data-status')).resolves.toBe('certified')
  const cardText = (await card.textContent()) ?? ''
  expect(cardText).toContain('已认证')
  expect(cardText).toContain(`${Number(nextDue![1])}年${Number(nextDue![2])}月`)

  // 5b. The retiree's person page in plain words: the try they left reads 已取消, the reviewed one 已完成.
  await page.getByRole('menuitem', { name: '人员查询' }).click()
  await page.getByTestId('person-search-text').fill(DEMO.liJianguo.personNo)
  await page.getByTestId('person-search-go').click()
  await page.getByTestId(`person-open-${DEMO.liJianguo.personNo}`).click()
  await page.getByTestId('person-details').waitFor()
  await page.getByRole('tab', { name: /刷脸过程/ }).click()
  const sessionsTable = page.getByTestId('person-sessions')
  await sessionsTable.getByText('已取消').waitFor()
  const sessionsText = (await sessionsTable.textContent()) ?? ''
  for (const words of ['已完成', '人工审核', '本人', '本人中途退出']) expect(sessionsText).toContain(words)
  expect(sessionsText).not.toMatch(/open|completed|rejected|manual-review|SESSION_CANCELLED|weapp|h5|self/)
  await shoot(page, 'person-sessions')
  await page.getByRole('tab', { name: /提醒/ }).click()
  const remindersTable = page.getByTestId('person-reminders')
  await remindersTable.waitFor()
  expect((await remindersTable.textContent()) ?? '').not.toMatch(/pending|sent|refused|skipped|due_\d|overdue_1|certDue|certificationResult|relative/)
  await shoot(page, 'person-reminders')
  // 张桂兰's page says her death report is still unchecked (and who reported what).
  await page.getByRole('menuitem', { name: '人员查询' }).click()
  await page.getByTestId('person-search-text').fill(ZHANG.personNo)
  await page.getByTestId('person-search-go').click()
  await page.getByTestId(`person-open-${ZHANG.personNo}`).click()
  expect(await page.getByTestId('person-death-report').innerText()).toContain('此人有未核实的死亡信息（来源：殡葬')
  await shoot(page, 'person-death-report')

  // 6. The results export (records settle EXPORT_SETTLE_MS before an export takes them) matches the records.
  const lastAction = await store.db.selectFrom('certification_records').select((eb) => eb.fn.max('created_at').as('c')).executeTakeFirstOrThrow()
  while (Date.now() < Date.parse(String(lastAction.c)) + EXPORT_SETTLE_MS + 500) await new Promise((r) => setTimeout(r, 200))
  await page.getByRole('menuitem', { name: '结果导出' }).click()
  await page.getByTestId('export-create').click()
  await page.getByTestId('export-progress').getByText(/已完成，共 [\d,]+ 行/).waitFor()
  const shown = Number(/共 ([\d,]+) 行/.exec((await page.getByTestId('export-progress').textContent()) ?? '')![1].replace(/,/g, ''))
  await page.getByTestId('export-download-csv-utf8').first().waitFor()
  await shoot(page, 'exports')
  const downloaded = page.waitForEvent('download')
  await page.getByTestId('export-download-csv-utf8').first().click()
  const file = await downloaded
  const csv = readFileSync((await file.path())!, 'utf8')
  expect(csv.charCodeAt(0)).toBe(0xfeff)
  const rows = parse(csv.slice(1), { columns: true, skip_empty_lines: true }) as Record<string, string>[]
  expect(rows).toHaveLength(shown)

  const list = await page.request.get(`${consoleUrl.replace(/\/+$/, '')}/api/exports?kind=results`)
  const [latest] = ((await list.json()) as { exports: { cursorFrom: string | null; cursorTo: string }[] }).exports
  const from = latest.cursorFrom ?? ''
  const to = latest.cursorTo
  const records = await store.db
    .selectFrom('certification_records as r')
    .innerJoin('persons as p', 'p.id', 'r.person_id')
    .select(['r.id', 'r.result', 'r.created_at', 'r.decided_at', 'p.person_no'])
    .execute()
  const inRange = (t: string | null) => t !== null && t > from && t <= to
  const expected = records.filter((r) => inRange(r.created_at) || inRange(r.decided_at))
  expect(expected.length).toBeGreaterThanOrEqual(2)
  expect(rows.map((r) => r['记录编号']).sort()).toEqual(expected.map((r) => r.id).sort())
  for (const r of expected) {
    const row = rows.find((x) => x['记录编号'] === r.id)!
    expect(row['个人编号']).toBe(r.person_no)
    expect(row['认证结果']).toBe(RECORD_RESULT_LABELS[r.result as RecordResult])
  }
  // Both of today's decisions are in it: the approval and the 上门 record.
  expect(rows.find((r) => r['记录编号'] === completed.recordId)?.['认证结果']).toBe(RECORD_RESULT_LABELS.passed)
  expect(rows.some((r) => r['个人编号'] === ZHANG.personNo && r['认证方式'].includes('上门'))).toBe(true)
  expect(reviewer.totp?.secret).toBeDefined()

  // 7. The 管理员 works through 死亡信息待核实 on 静默认证: 张桂兰 was seen at home, so her flag is closed
  //    (audited); her face certifications no longer go to review for it.
  await signOutConsole(page)
  await signInConsole(page, consoleUrl, { username: 'admin-demo', password: admin.password, totp: admin.totp })
  await page.getByRole('menuitem', { name: '静默认证' }).click()
  // The 上门 record of step 6 came after the reported death: the row says so, as the lead to follow.
  await expect(page.getByTestId(`signal-flag-passed-${ZHANG.personNo}`).innerText()).resolves.toContain('上门认证通过')
  await page.getByTestId(`signal-flag-close-${ZHANG.personNo}`).click()
  const confirmAlive = page.getByRole('dialog', { name: /核实健在/ })
  await confirmAlive.getByText('入户', { exact: true }).click()
  await shoot(page, 'signal-flag-close')
  await confirmAlive.getByRole('button', { name: '确认解除标记' }).click()
  await expect(page.getByTestId('signal-flags-notice').innerText()).resolves.toContain(`已解除 ${zhang.name_masked}（${ZHANG.personNo}）`)
  await page.getByTestId(`signal-flag-close-${ZHANG.personNo}`).waitFor({ state: 'detached' })
  await shoot(page, 'signals')
  expect((await store.db.selectFrom('signal_reviews').select('status').where('person_id', '=', zhang.id).executeTakeFirstOrThrow()).status).toBe('closed')

  // 概览 after the day's work, and nothing on any page was refused by the CSP or threw.
  await page.getByRole('menuitem', { name: '概览' }).click()
  await page.getByRole('img', { name: '逾期、暂停发放人数走势折线图' }).waitFor()
  // 陈玉梅, suspended by the agency in step 3, is counted apart from the late.
  await page.getByText(/已逾期\s\d+\s人\s·\s未到期机构暂停\s1\s人/).waitFor()
  await shoot(page, 'overview-after')
  expect(refusals).toEqual([])
})
