/**
 * 静默认证 end to end against the processes `npm start` runs: 李建国 (due) binds in the H5 app; the
 * agency runs `npm run signals:import` on a GBK file from 医保 and 交通 (the same data directory, so
 * the same store and keys); his 首页 then says 您已通过静默认证（数据比对），本期无需刷脸 with the date,
 * offers no 开始认证, and is audited at 标准 and 特大 like every page (every shown prompt spoken).
 * Nothing waits a fixed time. Not exercised here: the console upload (route tests), PostgreSQL.
 */
import { execFile } from 'node:child_process'
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import iconv from 'iconv-lite'
import type { Page } from 'playwright-core'
import { daysBefore } from '../../src/core/silent-certification'
import { shanghaiDate } from '../../server/time/clock'
import { prepareAuditPage, PageAuditor } from './support/audit/page-audit'
import { AuditLog } from './support/audit/report'
import { bind, freshAccount, home, PEOPLE } from './support/audit/steps'
import { openBrowser, type Browser } from './support/browser'
import { visible } from './support/family-flows'
import { ROOT, startSystem, type RunningSystem } from './support/system'

jest.setTimeout(600_000)

let system: RunningSystem
let phone: Browser
const log = new AuditLog('signals')
const audit = new PageAuditor(log)

beforeAll(async () => {
  mkdirSync(join(ROOT, '.tmp', 'audit'), { recursive: true })
  system = await startSystem(process.env.E2E_H5_DIR ? { H5_DIR: process.env.E2E_H5_DIR } : {})
  phone = await openBrowser()
}, 120_000)

afterAll(async () => {
  await phone?.close()
  await system?.stop()
})

test('a signals import certifies a demo person whose 首页 then shows the 静默认证 line', async () => {
  const url = system.url
  const page: Page = await phone.context.newPage()
  await prepareAuditPage(page)
  await freshAccount(page, url)
  await bind(page, PEOPLE.li)
  await visible(page, 'bound').waitFor({ timeout: 30_000 })
  expect(await visible(page, 'status-label').textContent()).not.toBe('已认证')
  await visible(page, 'start-certify').waitFor()

  const today = shanghaiDate(new Date())
  const dir = mkdtempSync(join(tmpdir(), 'yl-e2e-signals-'))
  const file = join(dir, '医保交通比对.csv')
  writeFileSync(file, iconv.encode([`个人编号,身份证号,来源,发生日期`, `${PEOPLE.li.personNo},,医保结算,${daysBefore(today, 3)}`, `,${PEOPLE.li.idNumber},交通出行,${daysBefore(today, 2)}`].join('\r\n'), 'gbk'))
  const { stdout } = await promisify(execFile)(process.execPath, [join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs'), 'server/cli/signals-import.ts', file], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', DATA_DIR: system.dataDir },
  })
  expect(stdout).toContain('静默认证通过 1 人')

  await home(page, url)
  const silent = visible(page, 'status-silent')
  await silent.waitFor({ timeout: 30_000 })
  const [y, m, d] = today.split('-').map(Number)
  expect(await silent.textContent()).toBe(`您已通过静默认证（数据比对），本期无需刷脸。认证日期：${y}年${m}月${d}日`)
  expect(await visible(page, 'status-label').textContent()).toBe('已认证')
  expect(await page.locator('[data-testid="start-certify"]').filter({ visible: true }).count()).toBe(0)
  await audit.visit(page, 'home-silent', '首页 静默认证')

  const report = log.write()
  if (log.findings.length) throw new Error(`the elder-first audit found ${log.findings.length} problems (.tmp/audit/report.md):\n\n${report}`)
})
