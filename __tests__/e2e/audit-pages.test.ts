/**
 * The elder-first audit, part 1: every page and state that needs no live camera, at 标准 and at 特大
 * (issue 12, "Keep it true"). For each state: axe-core serious/critical violations, visible text under
 * 18 px, tap areas under 60×60 px, content that does not fit its box, contrast under 4.5:1, 开始认证
 * in the first screen of a landing, and error messages that were shown but never spoken. Whole-page
 * screenshots of both sizes go to .tmp/audit/, the table to .tmp/audit/report.md. Every finding of the
 * run is collected and the test fails once with the whole list.
 *
 * The camera, the result page and 重新认证 are in audit-camera.test.ts. The measurements and how the
 * size is changed: support/audit/ (docs/audit.md).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { openBrowser, type Browser } from './support/browser'
import { demoDate } from './support/demo-dates'
import { fillVisible, runNpm, visible, waitForContent } from './support/family-flows'
import { startSystem, type RunningSystem } from './support/system'
import { prepareAuditPage, PageAuditor } from './support/audit/page-audit'
import { AuditLog } from './support/audit/report'
import { bind, bindRefusal, freshAccount, home, openBind, openNotice, PEOPLE, startCamera, submitBind } from './support/audit/steps'
import { openStore, type Store } from '../../server/db/connect'
import { inviteCodeHash } from '../../server/services/unit-admins'

jest.setTimeout(900_000)

let system: RunningSystem
let browser: Browser | undefined
const log = new AuditLog('pages')
const audit = new PageAuditor(log)

beforeAll(async () => {
  system = await startSystem(process.env.E2E_H5_DIR ? { H5_DIR: process.env.E2E_H5_DIR } : {})
  browser = await openBrowser()
})

afterAll(async () => {
  await browser?.close()
  await system?.stop()
})

/** Reaches a state and audits it; a state that cannot be reached is a finding, and the run goes on. */
async function state(title: string, reach: () => Promise<void>, measure: () => Promise<void>) {
  try {
    await reach()
  } catch (e) {
    audit.unreachable(title, e)
    return
  }
  try {
    await measure()
  } catch (e) {
    log.add({ page: title, size: 'both', kind: 'state', detail: `audit failed: ${String(e instanceof Error ? e.message : e).split('\n')[0]}` })
  }
}

async function newAuditPage(init?: string): Promise<Page> {
  const page = await browser!.context.newPage()
  await prepareAuditPage(page)
  if (init) await page.addInitScript(init)
  return page
}

/** A field's inline message (error-<field>), or any alert. */
const FIELD_ERROR = '[role="alert"], [data-testid^="error-"]'

/** The browser says the camera is blocked (as after 不允许): the Permissions API answers denied. */
const CAMERA_BLOCKED = `(() => {
  const q = navigator.permissions && navigator.permissions.query.bind(navigator.permissions)
  if (q) navigator.permissions.query = (d) => (d && d.name === 'camera' ? Promise.resolve({ state: 'denied', onchange: null }) : q(d))
})()`

/** The person taps 不允许 when the camera is opened: getUserMedia refuses. */
const CAMERA_REFUSED = `(() => {
  if (navigator.mediaDevices) navigator.mediaDevices.getUserMedia = () => Promise.reject(new DOMException('Permission denied', 'NotAllowedError'))
})()`

test('every page at 标准 and 特大 passes the elder-first audit', async () => {
  const url = system.url
  const page = await newAuditPage()
  let shareLink = ''

  // ---- 首页 unbound, 绑定 and its refusals, 电子社保卡 ----
  await state('首页 unbound', () => freshAccount(page, url), () => audit.visit(page, 'home-unbound', '首页 unbound'))
  await state('绑定', () => openBind(page), () => audit.visit(page, 'bind', '绑定'))
  await state(
    '绑定 empty submit',
    async () => {
      await visible(page, 'submit').click()
      await visible(page, 'bind-forms').locator(FIELD_ERROR).filter({ visible: true }).first().waitFor()
    },
    () => audit.visit(page, 'bind-required', '绑定 empty submit'),
  )
  await state(
    '绑定 wrong check digit',
    async () => {
      await fillVisible(page, 'idNumber', '110101195203140128')
      await visible(page, 'error-idNumber').waitFor()
    },
    () => audit.visit(page, 'bind-checkdigit', '绑定 wrong check digit'),
  )
  await state(
    // A two-part name (维吾尔族 and other names with ·) is longer than the box at 特大: all of it must show.
    '绑定 a long name',
    async () => {
      await fillVisible(page, 'name', '阿依古丽·买买提明')
      await visible(page, 'input-name').waitFor()
    },
    () => audit.visit(page, 'bind-long-name', '绑定 a long name'),
  )
  await state(
    '绑定 not on the roster',
    async () => {
      await submitBind(page, { name: '王秀英', idNumber: '110101195203140995', cardNumber: 'A00000001', insurance: 'enterprise' })
      await bindRefusal(page)
    },
    () => audit.visit(page, 'bind-not-found', '绑定 not on the roster'),
  )
  await state(
    '绑定 details do not match',
    async () => {
      await submitBind(page, { idNumber: PEOPLE.wang.idNumber, cardNumber: 'A00000002' })
      await page.getByText('填写的信息与参保登记信息不一致', { exact: false }).filter({ visible: true }).first().waitFor()
    },
    () => audit.visit(page, 'bind-mismatch', '绑定 details do not match'),
  )
  await state(
    '电子社保卡',
    async () => {
      await visible(page, 'ssc').click()
      await visible(page, 'ssc-submit').waitFor()
    },
    () => audit.visit(page, 'ssc-local', '电子社保卡'),
  )

  // ---- 首页 已认证 (王秀英), 认证记录, 家人, 添加家人, share page ----
  await state(
    '首页 已认证',
    async () => {
      await freshAccount(page, url)
      await bind(page, PEOPLE.wang)
    },
    () => audit.visit(page, 'home-certified', '首页 已认证'),
  )
  await state(
    '认证记录',
    async () => {
      await visible(page, 'go-records').click()
      await waitForContent(page, 'record-list')
    },
    () => audit.visit(page, 'records', '认证记录'),
  )
  await state(
    '家人 (empty)',
    async () => {
      await home(page, url)
      await visible(page, 'go-family').click()
      await waitForContent(page, 'family')
      await visible(page, 'empty').waitFor()
    },
    () => audit.visit(page, 'family-empty', '家人 (empty)'),
  )
  await state(
    '添加家人',
    async () => {
      await visible(page, 'add').click()
      await visible(page, 'submit').waitFor()
    },
    () => audit.visit(page, 'family-add', '添加家人'),
  )
  await state(
    '添加家人 empty submit',
    async () => {
      await visible(page, 'submit').click()
      await page.locator(FIELD_ERROR).filter({ visible: true }).first().waitFor()
    },
    () => audit.visit(page, 'family-add-required', '添加家人 empty submit'),
  )
  await state(
    '添加家人 added',
    async () => {
      await fillVisible(page, 'name', PEOPLE.liu.name)
      await fillVisible(page, 'idNumber', PEOPLE.liu.idNumber)
      await visible(page, 'choice-relation-father').click()
      await visible(page, 'submit').click()
      await visible(page, 'added').waitFor()
    },
    () => audit.visit(page, 'family-added', '添加家人 added'),
  )
  await state(
    '家人 (one parent)',
    async () => {
      await visible(page, 'back-to-list').click()
      await visible(page, 'relative').waitFor()
    },
    () => audit.visit(page, 'family-list', '家人 (one parent)'),
  )
  await state(
    'share page',
    async () => {
      await visible(page, 'share').first().click()
      await visible(page, 'share-card').waitFor()
      shareLink = ((await visible(page, 'share-link').textContent()) ?? '').trim()
    },
    () => audit.visit(page, 'share', 'share page'),
  )

  await state(
    '认证记录 (a parent’s)',
    async () => {
      await visible(page, 'back').click()
      await visible(page, 'relative').waitFor()
      await visible(page, 'relative-records').first().click()
      await visible(page, 'record-list').or(visible(page, 'empty')).first().waitFor({ timeout: 30_000 })
    },
    () => audit.visit(page, 'records-relative', '认证记录 (a parent’s)'),
  )
  await state(
    '帮TA认证 landing',
    async () => {
      await page.goBack()
      await visible(page, 'relative').waitFor()
      await visible(page, 'certify-for').first().click()
      await visible(page, 'greeting').waitFor({ timeout: 30_000 })
    },
    () => audit.visit(page, 'relative-landing', '帮TA认证 landing', { landing: true }),
  )

  // ---- 认证查询 ----
  await state(
    '认证查询',
    async () => {
      await home(page, url)
      await visible(page, 'go-query').click()
      await visible(page, 'query-limits').waitFor()
    },
    () => audit.visit(page, 'query', '认证查询'),
  )
  await state(
    '认证查询 empty submit',
    async () => {
      await visible(page, 'submit').click()
      await page.locator(FIELD_ERROR).filter({ visible: true }).first().waitFor()
    },
    () => audit.visit(page, 'query-required', '认证查询 empty submit'),
  )
  await state(
    '认证查询 not found',
    async () => {
      await fillVisible(page, 'name', '王秀英')
      await fillVisible(page, 'idNumber', '110101195203140995')
      await visible(page, 'submit').click()
      await visible(page, 'query-error').waitFor()
    },
    () => audit.visit(page, 'query-not-found', '认证查询 not found'),
  )
  await state(
    '认证查询 answer',
    async () => {
      await fillVisible(page, 'name', PEOPLE.zhang.name)
      await fillVisible(page, 'idNumber', PEOPLE.zhang.idNumber)
      await visible(page, 'submit').click()
      await visible(page, 'query-result').waitFor()
    },
    () => audit.visit(page, 'query-result', '认证查询 answer'),
  )

  // ---- 首页 待认证 (李建国), 认证须知, permission denied on 须知 and on the camera page ----
  await state(
    '首页 待认证',
    async () => {
      await freshAccount(page, url)
      await bind(page, PEOPLE.li)
    },
    () => audit.visit(page, 'home-due', '首页 待认证'),
  )
  await state('认证须知', () => openNotice(page), () => audit.visit(page, 'notice', '认证须知', { landing: true }))
  await page.close()

  const blocked = await newAuditPage(CAMERA_BLOCKED)
  await state(
    '认证须知 camera blocked',
    async () => {
      await home(blocked, url)
      await openNotice(blocked)
      await visible(blocked, 'start').click()
      await visible(blocked, 'permission-denied').waitFor()
    },
    () => audit.visit(blocked, 'permission-denied', '认证须知 camera blocked'),
  )
  await blocked.close()

  const refused = await newAuditPage(CAMERA_REFUSED)
  await state(
    'camera refused',
    async () => {
      await home(refused, url)
      await openNotice(refused)
      await startCamera(refused)
      await visible(refused, 'camera-denied').waitFor({ timeout: 30_000 })
    },
    () => audit.visit(refused, 'camera-denied', 'camera refused', { promptScopes: ['[data-testid="camera-page"]'] }),
  )
  await refused.close()

  // ---- 首页 暂停 (张桂兰); 王秀英 again from another account ----
  const other = await newAuditPage()
  await state(
    '首页 暂停',
    async () => {
      await freshAccount(other, url)
      await bind(other, PEOPLE.zhang)
    },
    () => audit.visit(other, 'home-suspended', '首页 暂停'),
  )
  await state(
    '绑定 bound by another account',
    async () => {
      await freshAccount(other, url)
      await openBind(other)
      await submitBind(other, PEOPLE.wang)
      await bindRefusal(other)
    },
    () => audit.visit(other, 'bind-elsewhere', '绑定 bound by another account'),
  )

  // ---- the landings, opened from a link (a parent's own phone) ----
  await state(
    'share landing',
    async () => {
      if (!shareLink) throw new Error('no share link (the share page was not reached)')
      await freshAccount(other, url)
      await other.goto(shareLink)
      await visible(other, 'greeting').waitFor({ timeout: 30_000 })
    },
    () => audit.visit(other, 'share-landing', 'share landing', { landing: true, reload: { ready: (p) => visible(p, 'greeting').waitFor({ timeout: 30_000 }) } }),
  )
  let notice: string | undefined
  await state(
    'notice landing',
    async () => {
      notice = await noticeLink()
      await other.goto(notice)
      await visible(other, 'greeting').waitFor({ timeout: 30_000 })
    },
    () => audit.visit(other, 'notice-landing', 'notice landing', { landing: true, reload: { ready: (p) => visible(p, 'greeting').waitFor({ timeout: 30_000 }) } }),
  )
  // the same printed notice once its person has passed in the notice's year: a calm refusal with the day
  await state(
    'notice landing, already certified',
    async () => {
      if (!notice) throw new Error('no notice link (the notice landing was not reached)')
      await markPassedInNoticeYear(notice)
      await other.goto(notice)
      await visible(other, 'landing-refused').waitFor({ timeout: 30_000 })
    },
    () => audit.visit(other, 'notice-landing-already-certified', 'notice landing, already certified', { reload: { ready: (p) => visible(p, 'landing-refused').waitFor({ timeout: 30_000 }) } }),
  )
  // ---- 单位认证 (单位专管员): the invitation code form, a wrong code, the unit's list ----
  const unitCode = await seedUnitInvite()
  await state(
    '单位认证 邀请码',
    async () => {
      await freshAccount(other, url)
      await visible(other, 'go-unit-claim').click()
      await visible(other, 'unit-claim').waitFor({ timeout: 30_000 })
    },
    () => audit.visit(other, 'unit-claim', '单位认证 邀请码'),
  )
  await state(
    '单位认证 邀请码不对',
    async () => {
      await fillVisible(other, 'code', 'ZZZZZZZZ')
      await visible(other, 'unit-claim-submit').click()
      await other.locator(FIELD_ERROR).filter({ visible: true }).first().waitFor()
    },
    () => audit.visit(other, 'unit-claim-wrong', '单位认证 邀请码不对'),
  )
  await state(
    '单位认证 名单',
    async () => {
      await fillVisible(other, 'code', unitCode)
      await visible(other, 'unit-claim-submit').click()
      await waitForContent(other, 'unit-list')
    },
    () => audit.visit(other, 'unit-list', '单位认证 名单'),
  )
  await other.close()

  const report = log.write()
  if (log.findings.length) throw new Error(`the elder-first audit found ${log.findings.length} problems (.tmp/audit/report.md):\n\n${report}`)
})

/** An unclaimed 专管员 appointment for the demo unit 示例纺织厂（虚构）, written straight into the store; answers its code. */
async function seedUnitInvite(): Promise<string> {
  const code = 'AUDTCDE2'
  const now = new Date()
  await inStore((db) =>
    db
      .insertInto('unit_admin_appointments')
      .values({
        id: '7c9e6679-7425-40de-944b-e07fc1f90ae7',
        account_id: null,
        unit_name: '示例纺织厂（虚构）',
        region_prefix: '',
        appointed_by: 'audit',
        appointed_at: now.toISOString(),
        expires_at: new Date(now.getTime() + 30 * 86_400_000).toISOString(),
        invite_code_hash: inviteCodeHash(code),
        invite_expires_at: new Date(now.getTime() + 7 * 86_400_000).toISOString(),
      })
      .execute(),
  )
  return code
}

/** The notice's person passed on 1 March of the notice's year (persons.last_certified_on, as a record or the roster sets it). */
async function markPassedInNoticeYear(link: string): Promise<void> {
  const scene = new URL(link).searchParams.get('scene') ?? ''
  const code = new URLSearchParams(scene).get('n')
  if (!code) throw new Error(`no notice code in ${link}`)
  await inStore(async (db) => {
    const row = await db.selectFrom('notice_codes').select(['person_id', 'cycle']).where('code', '=', code).executeTakeFirstOrThrow()
    await db.updateTable('persons').set({ last_certified_on: `${row.cycle}-03-01` }).where('id', '=', row.person_id).execute()
  })
}

/** Runs `work` on the running system's store, written straight into it (states the app cannot reach quickly). */
async function inStore(work: (db: Store['db']) => Promise<unknown>): Promise<void> {
  const store = openStore({ sqlitePath: join(system.dataDir, 'yinling.sqlite') })
  try {
    await work(store.db)
  } finally {
    await store.db.destroy()
  }
}

/** A printed notice's link for 张桂兰 (region 320102), made with the real `npm run notices`. */
async function noticeLink(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'yl-audit-notices-'))
  try {
    const links = join(dir, 'links.tsv')
    const cycle = demoDate('2025-08-20').year + 1
    const r = await runNpm(['notices', '--', '--region', '320102', '--cycle', String(cycle), '--out', join(dir, 'n.pdf'), '--links', links], {
      DATA_DIR: system.dataDir,
      APP_PUBLIC_URL: system.url,
    })
    if (r.code !== 0) throw new Error(`npm run notices exited ${r.code}: ${r.out.slice(-300)}`)
    const first = readFileSync(links, 'utf8').trim().split('\n')[0]?.split('\t')
    if (!first?.[2]) throw new Error('npm run notices wrote no link')
    return first[2]
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
