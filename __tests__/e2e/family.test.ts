/**
 * 家人认证 end to end in the browser (issue 5's "Done when"): the H5 app from the `npm start` processes
 * in headless Chromium, two browser profiles standing for two phones, both with a recorded face clip
 * as the camera (support/fake-camera.ts), the backend in its test mode with a fixed challenge and
 * local-face-match against reference photos enrolled with the real command — as certify.test.ts.
 *
 *  1. The child (binds 王秀英) adds 李建国 (其他亲属) and certifies him on the child's own phone:
 *     家人 → 帮TA认证 → 认证须知 (whose certification, 后置 camera) → camera → 认证通过 → the 家人 list says 已认证.
 *  2. The child adds 刘德福 (父亲) and sends him a share link (发给TA自己认证 → the H5 link). The parent's
 *     phone (a second browser profile) opens it: 「刘*福的养老资格认证 · 来自您的子女」 → certification →
 *     认证通过. The child's list, read again, says 已认证; the used link now says so.
 *  3. `npm run notices` for region 320102, for the cycle after 张桂兰's last pass (she has not passed in
 *     it; 赵德胜 has, unless his last pass falls in the year before too), writes the PDF and the links file;
 *     the link opened in the browser lands on 张*兰's certification.
 *
 * The camera is cap13's action loop (support/fake-camera.ts, `actionLoop`: the clip's own frames, the
 * challenged actions coming round every few seconds, so a tracker slowed by a busy machine still sees
 * them in time); the same person as the cap12 reference photo, which is enrolled for both parents.
 * Challenge `turn_left,blink`: see certify.test.ts and fake-camera-loop.test.ts.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { openBrowser, type Browser } from './support/browser'
import { fakeCameraArgs, fakeCameraFile } from './support/fake-camera'
import {
  addRelative,
  eventually,
  openFamilyFromHome,
  relativeEntry,
  relativeStatus,
  runNpm,
  startFromNotice,
  visible,
  waitForContent,
  waitForResultPage,
  watchApiFailures,
} from './support/family-flows'
import { DEMO, openAndBind } from './support/flows'
import { artifactsOnFailure } from './support/artifacts'
import { ROOT, startSystem, type RunningSystem } from './support/system'
import { demoDate } from './support/demo-dates'

jest.setTimeout(900_000)

/** The same challenge as certify.test.ts (the action loop shows it every few seconds). */
const CHALLENGE = 'turn_left,blink'
const CAMERA_TO_RESULT_MS = 150_000
const REF_PHOTO = join(ROOT, '__tests__', 'fixtures', 'faces', 'cap12-ref.jpg')

/** Demo parents (fictional, server/demo/roster.csv; docs/demo-identities.md). */
const LI = { name: DEMO.liJianguo.name, idNumber: DEMO.liJianguo.idNumber, personNo: DEMO.liJianguo.personNo, masked: '李*国' }
const LIU = { name: '刘德福', idNumber: '110101193809170532', personNo: 'DEMO0004', masked: '刘*福' }
const ID_NUMBER = /\d{17}[\dXx]/

let system: RunningSystem
/** The app's address without the trailing slash. */
const base = () => system.url.replace(/\/+$/, '')
let child: Browser | undefined
let parent: Browser | undefined
let childPage: Page
const log: string[] = []
const note = (s: string) => {
  log.push(s)
  process.stdout.write(`[family e2e] ${s}\n`)
}
const withArtifacts = artifactsOnFailure({ note, sections: () => ({ 'npm start output': system.output() }) })

beforeAll(async () => {
  const t0 = Date.now()
  const camera = await fakeCameraFile('cap13_edit2', { actionLoop: true })
  system = await startSystem({
    CERT_TEST_CHALLENGE: CHALLENGE,
    IDENTITY_VERIFIER: 'local-face-match',
    // As certify.test.ts: a busy 2-core machine may track at ~5 fps; the floor is tested elsewhere.
    CERT_MIN_FPS: '3',
    ...(process.env.E2E_H5_DIR ? { H5_DIR: process.env.E2E_H5_DIR } : {}),
  })
  for (const p of [LI, LIU]) {
    const r = await runNpm(['identity:enrol', '--', p.personNo, REF_PHOTO], { DATA_DIR: system.dataDir })
    if (r.code !== 0) throw new Error(`identity:enrol ${p.personNo} exited ${r.code}:\n${r.out}`)
    note(`enrolled ${p.personNo}: ${r.out.trim().split('\n').pop()}`)
  }
  child = await openBrowser(fakeCameraArgs(camera))
  childPage = await child.context.newPage()
  watchApiFailures(childPage, 'child', note)
  note(`system up, references enrolled, child browser open in ${((Date.now() - t0) / 1000).toFixed(1)} s`)
})

afterAll(async () => {
  await parent?.close()
  await child?.close()
  await system?.stop()
  if (log.length) process.stdout.write(`[family e2e] summary:\n  ${log.join('\n  ')}\n`)
})

describe('家人认证 in the browser', () => {
  test('the child adds a parent and certifies them on the child’s own phone (帮TA认证) → 家人 list says 已认证', async () => {
    const page = childPage
    await withArtifacts(page, 'family-helper', async () => {
      const t0 = Date.now()
      await openAndBind(page, system.url, DEMO.wangXiuying)
      await openFamilyFromHome(page, note)
      await visible(page, 'empty').waitFor()

      const added = await addRelative(page, LI, 'other')
      expect(added).toContain(`已添加：${LI.masked}（其他亲属）`)
      expect(added).not.toMatch(ID_NUMBER)
      expect(await relativeStatus(page, LI.masked)).toBe('待认证')

      await relativeEntry(page, LI.masked).locator('[data-testid="certify-for"]').click()
      // The landing says whose certification it is; the helper holds the phone (后置).
      const greeting = visible(page, 'greeting')
      await greeting.waitFor()
      expect(await greeting.innerText()).toContain(`${LI.masked}的养老资格认证`)
      expect(await visible(page, 'choice-facing-back').getAttribute('data-selected')).toBe('true')
      // Only the opaque relativeId is in the address.
      expect(page.url()).toMatch(/\/packages\/certify\/index\?relative=[0-9a-f-]{36}$/)

      await startFromNotice(page)
      expect(page.url()).toMatch(/\/packages\/certify\/camera\?facing=back&relative=[0-9a-f-]{36}$/)
      const r = await waitForResultPage(page, CAMERA_TO_RESULT_MS)
      note(`helper run: result after ${r.seconds.toFixed(1)} s: ${r.text}`)
      expect(r.result).toBe('passed')
      expect(r.text).toContain('认证通过')

      // Back to 首页 → 家人认证: the parent's entry says 已认证.
      await visible(page, 'home').click()
      await openFamilyFromHome(page, note)
      expect(await relativeStatus(page, LI.masked)).toBe('已认证')
      note(`helper flow (bind → add → 帮TA认证 → 已认证) took ${((Date.now() - t0) / 1000).toFixed(1)} s`)
    })
  })

  test('the child sends a share link; the parent opens it on their own phone and passes → the child’s list says 已认证', async () => {
    const page = childPage
    let link = ''
    const t0 = Date.now()
    await withArtifacts(page, 'family-share-child', async () => {
      await page.goto(`${base()}/packages/family/index`)
      await waitForContent(page, 'family', note)
      await addRelative(page, LIU, 'father')
      expect(await relativeStatus(page, LIU.masked)).toBe('待认证')
      await relativeEntry(page, LIU.masked).locator('[data-testid="share"]').click()
      await visible(page, 'share-card').waitFor()
      expect(await visible(page, 'share-title').innerText()).toContain(`${LIU.masked}的养老资格认证`)
      link = ((await visible(page, 'share-link').textContent()) ?? '').trim()
      await visible(page, 'share-copy').click()
      await visible(page, 'copied').or(visible(page, 'copy-failed')).first().waitFor()
    })
    note(`share link: ${link.replace(/share=.*/, 'share=<token>')}`)
    expect(link.startsWith(`${base()}/packages/certify/index?share=`)).toBe(true)
    expect(link).toMatch(/\?share=[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}$/)
    expect(link).not.toMatch(ID_NUMBER)
    expect(link).not.toMatch(/[\u4e00-\u9fa5]/)

    // The parent's phone: another browser profile (its own local sign-in), with the camera clip.
    parent = await openBrowser(fakeCameraArgs(await fakeCameraFile('cap13_edit2', { actionLoop: true })))
    const p = await parent.context.newPage()
    watchApiFailures(p, 'parent', note)
    await withArtifacts(p, 'family-share-parent', async () => {
      await p.goto(link)
      const greeting = visible(p, 'greeting')
      await greeting.waitFor()
      const g = (await greeting.innerText()).replace(/\s+/g, ' ')
      note(`parent sees: ${g}`)
      expect(g).toContain(`${LIU.masked}的养老资格认证 来自您的子女`)
      expect(await visible(p, 'choice-facing-front').getAttribute('data-selected')).toBe('true')
      await startFromNotice(p)
      const r = await waitForResultPage(p, CAMERA_TO_RESULT_MS)
      note(`parent run: result after ${r.seconds.toFixed(1)} s: ${r.text}`)
      expect(r.result).toBe('passed')

      // The card has done its job: opening it again says so (and offers no camera).
      await p.goto(link)
      const refused = visible(p, 'landing-refused')
      await refused.waitFor()
      expect(await refused.getAttribute('data-code')).toBe('SHARE_USED')
      expect(await visible(p, 'start').count()).toBe(0)
    })

    await withArtifacts(page, 'family-share-child-after', async () => {
      // The child, still on the share page, goes back to the list: it is read again on show.
      await visible(page, 'back').click()
      await waitForContent(page, 'family', note)
      expect(await eventually(() => relativeStatus(page, LIU.masked), '已认证')).toBe('已认证')
      // And after reloading the page.
      await page.reload()
      await waitForContent(page, 'family', note)
      expect(await relativeStatus(page, LIU.masked)).toBe('已认证')
      expect(await relativeStatus(page, LI.masked)).toBe('已认证')
    })
    note(`share flow (add → link → parent passes → child sees 已认证) took ${((Date.now() - t0) / 1000).toFixed(1)} s`)
  })

  test('a printed notice’s code (npm run notices) opened in the browser lands on that person’s certification', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'yl-notices-'))
    try {
      const pdf = join(dir, 'notices.pdf')
      const links = join(dir, 'links.tsv')
      const t0 = Date.now()
      // The demo dates move with the calendar (support/demo-dates.ts).
      const zhang = demoDate('2025-08-20')
      const zhao = demoDate('2026-01-20')
      const cycle = zhang.year + 1
      const r = await runNpm(['notices', '--', '--region', '320102', '--cycle', String(cycle), '--out', pdf, '--links', links], {
        DATA_DIR: system.dataDir,
        APP_PUBLIC_URL: system.url,
      })
      note(`npm run notices exited ${r.code} in ${((Date.now() - t0) / 1000).toFixed(1)} s: ${r.out.trim().split('\n').pop()}`)
      expect(r.code).toBe(0)
      expect(existsSync(pdf)).toBe(true)
      expect(readFileSync(pdf).subarray(0, 5).toString()).toBe('%PDF-')
      const rows = readFileSync(links, 'utf8').trim().split('\n').filter(Boolean).map((l) => l.split('\t'))
      // 320102: 张桂兰 gets a notice; 赵德胜 is skipped when he has passed in that cycle. Pages follow 个人编号.
      expect(rows).toHaveLength(zhao.year < cycle ? 2 : 1)
      const [, scene, url] = rows[0]
      expect(scene).toMatch(/^n=[0-9A-Za-z]{12}$/)
      expect(url).toBe(`${base()}/packages/certify/index?scene=${encodeURIComponent(scene)}`)
      expect(url).not.toMatch(ID_NUMBER)

      const page = await child!.context.newPage()
      await withArtifacts(page, 'family-notice', async () => {
        await page.goto(url)
        const greeting = visible(page, 'greeting')
        await greeting.waitFor()
        const g = (await greeting.innerText()).replace(/\s+/g, ' ')
        note(`notice landing: ${g}`)
        expect(g).toContain(`张*兰的养老资格认证 ${cycle}年度认证通知单`)
        expect((await visible(page, 'greeting-details').innerText()).replace(/\s+/g, ' ')).toContain('已逾期，暂停发放')
        // How to tell the notice is genuine: the agency the server found for the person's region.
        expect(await visible(page, 'scam-notice-agency').innerText()).toContain('社会保险')
        await visible(page, 'start').waitFor()
        expect(await visible(page, 'start').innerText()).toBe('开始认证')
      })
      await page.close()
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
