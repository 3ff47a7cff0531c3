/**
 * @jest-environment ./__tests__/client/weapp/support/jsdom-node-env.js
 *
 * Every page the build declares in app.json (main package and every subpackage, the developer package
 * when the build has it) rendered through the real Taro runtime for a new, unbound WeChat user at the
 * largest WeChat font (fontSizeScaleFactor 2): what the person sees first. A page added to app.json
 * without a line here fails, so no page goes unrendered.
 */
import fs from 'node:fs'
import path from 'node:path'
import { DIST, startWeapp, type WeappSession } from '../simulate-support'
import { requireDist } from '../support/page'

/** What each page shows first to an unbound user (no query), and whether it sits in PageShell's scaled root. */
const FIRST_SIGHT: Record<string, { text: string[]; scaledRoot: boolean }> = {
  'pages/index/index': { text: ['养老待遇资格认证', '绑定本人社保卡', '谨防诈骗'], scaledRoot: true },
  'packages/bind/index': { text: ['方式一：电子社保卡授权', '方式二：手动填写', '确认绑定'], scaledRoot: true },
  'packages/bind/ssc-local': { text: ['本地演示授权', '同意授权并绑定'], scaledRoot: true },
  'packages/records/index': { text: ['认证记录', '请先绑定本人社保卡'], scaledRoot: true },
  'packages/certify/index': { text: ['认证须知', '为什么要认证', '开始认证'], scaledRoot: true },
  'packages/certify/camera': { text: ['请先绑定本人社保卡', '绑定社保卡'], scaledRoot: true },
  'packages/certify/result': { text: ['认证结果已经保存', '查看认证记录'], scaledRoot: true },
  'packages/family/index': { text: ['家人认证', '您还没有添加家人', '添加家人'], scaledRoot: true },
  'packages/family/add': { text: ['家人的姓名', '家人的身份证号', '确认添加'], scaledRoot: true },
  'packages/family/share': { text: ['没有找到这位家人'], scaledRoot: true },
  'packages/query/index': { text: ['认证查询', '查询次数有限', '查询'], scaledRoot: true },
  'packages/unit/index': { text: ['单位认证', '确认邀请码'], scaledRoot: true },
  'packages/appeal/index': { text: ['申诉 / 上门认证', '请先绑定本人社保卡'], scaledRoot: true },
  // DevTools-like stand-in: VKSession.start answers 2000004 (no VisionKit).
  'packages/dev/calibrate/index': { text: ['人脸检测启动失败（2000004），请在真机上使用', '开始录制'], scaledRoot: false },
  'packages/dev/outbox/index': { text: ['消息发件箱（开发用）', '还没有消息'], scaledRoot: true },
}

interface AppJson {
  pages: string[]
  subPackages?: { root: string; pages: string[] }[]
}
requireDist()
const appJson = JSON.parse(fs.readFileSync(path.join(DIST, 'app.json'), 'utf8')) as AppJson
const ROUTES = [...appJson.pages, ...(appJson.subPackages ?? []).flatMap((p) => p.pages.map((page) => `${p.root}/${page}`))]

let s: WeappSession
beforeAll(async () => {
  s = await startWeapp({ stack: {}, script: { fontSizeScaleFactor: 2 } })
})
afterAll(async () => s?.close())

test('app.json declares the main package and the subpackages, and every page has a line here', () => {
  expect(ROUTES).toEqual(expect.arrayContaining(Object.keys(FIRST_SIGHT).filter((r) => !r.startsWith('packages/dev/'))))
  expect(ROUTES.filter((r) => !(r in FIRST_SIGHT))).toEqual([])
})

test.each(ROUTES)('%s renders what a new user sees first, at font scale 2', async (route) => {
  const want = FIRST_SIGHT[route]
  const page = await s.loadPage(route)
  for (const t of want.text) await page.waitForText(t)
  if (want.scaledRoot) expect(page.html()).toMatch(/--yl-scale:\s*2;/)
  page.close()
})
