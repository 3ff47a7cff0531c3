/**
 * The audit's own instrument on a page made for it: it must catch each kind of problem it is there
 * for (small text, small or half-dead tap areas, overflow, text over text, low contrast, an axe
 * violation, a prompt never said) and stay silent about what a person does not see or need (a page
 * Taro keeps hidden, screen-reader-only text, a decorative aria-hidden mark, the camera video).
 * No app and no server: Chromium only.
 */
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { openBrowser, type Browser } from './support/browser'
import { runAxe, type Measurement } from './support/audit/page-audit'
import { unspoken, words } from './support/audit/spoken'

jest.setTimeout(60_000)

const IN_PAGE = join(__dirname, 'support', 'audit', 'in-page.js')

let browser: Browser
let page: Page

beforeAll(async () => {
  browser = await openBrowser()
  page = await browser.context.newPage()
})

afterAll(async () => {
  await browser?.close()
})

async function measure(body: string): Promise<Measurement> {
  await page.setContent(`<!doctype html><html lang="zh-CN"><head><title>t</title><style>
    body { margin: 0; font: 20px sans-serif; color: #1a1a1a; background: #fff }
    .taro_page { position: absolute; inset: 0; overflow-y: auto }
    .btn { display: block; width: 358px; min-height: 64px; font-size: 20px; border: 0; background: #0a58a8; color: #fff }
    .sr { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0) }
  </style></head><body>${body}</body></html>`)
  await page.addScriptTag({ path: IN_PAGE })
  return (await page.evaluate('window.__ylAudit.measure()')) as Measurement
}

const kinds = (m: Measurement) => m.findings.map((f) => f.kind).sort()

describe('the in-page measurements', () => {
  test('a clean page has no findings, whatever is hidden, screen-reader-only, decorative, a swinging picture or a video', async () => {
    const m = await measure(`
      <div class="taro_page" style="display:none"><p style="font-size:10px">旧页面</p><button style="width:10px;height:10px">x</button></div>
      <div class="taro_page">
        <p>每年需进行一次认证</p>
        <span class="sr">读屏文字很小也没关系</span>
        <p><span aria-hidden="true" style="font-size:12px">✓</span> 已认证</p>
        <button class="btn" data-testid="start">开始认证</button>
        <div style="width:200px;height:100px;overflow:hidden"><video style="width:400px;height:300px"></video></div>
        <div style="width:100px;height:50px"><div style="width:100px;height:50px;transform:translateX(12px);background:#ccc"></div></div>
      </div>`)
    expect(m.findings).toEqual([])
    expect(m.minTextPx).toBe(20)
    expect(m.minTargetPx).toBe(64)
    expect(m.start).toEqual(expect.objectContaining({ top: expect.any(Number), bottom: expect.any(Number) }))
    expect(m.start!.bottom).toBeLessThanOrEqual(844)
  })

  test('small text, small and half-dead tap areas, overflow, text over text and low contrast are each found', async () => {
    const m = await measure(`
      <div class="taro_page">
        <p style="font-size:14px">照片</p>
        <button style="width:40px;height:40px;font-size:20px">删</button>
        <div style="height:60px;border:1px solid"><input style="box-sizing:border-box;height:29px;width:326px;font-size:20px" value="王秀英"></div>
        <div style="width:100px;white-space:nowrap">社会保障号码 4301**********123X</div>
        <div style="position:relative;height:40px"><span style="position:absolute;left:0;top:0">○</span><span>企业职工</span></div>
        <button class="btn" style="background:#f4f6f8;color:#9aa0a6">确认绑定</button>
      </div>`)
    expect(kinds(m)).toEqual(['contrast', 'overflow', 'overflow', 'target', 'target', 'text'])
    expect(m.findings.find((f) => f.kind === 'text')?.detail).toContain('14 px')
    expect(m.findings.filter((f) => f.kind === 'target').map((f) => f.detail.split(' ')[0])).toEqual(['40×40', '326×29'])
    expect(m.minTextPx).toBe(14)
    expect(m.contrastCount).toBe(1)
  })

  test('开始认证 below the first screen is reported where it is', async () => {
    const m = await measure(`<div class="taro_page"><div style="height:1400px"></div><button class="btn" data-testid="start">开始认证</button></div>`)
    expect(m.start!.top).toBeGreaterThan(844)
  })

  test('axe-core reports a serious violation (a button without a name)', async () => {
    await measure(`<main><button class="btn"></button></main>`)
    const v = await runAxe(page)
    expect(v.map((x) => x.id)).toEqual(['button-name'])
  })
})

describe('shown and spoken', () => {
  test('numbers, spaces and punctuation do not matter; words do', () => {
    expect(words('第 1 个动作，共 2 个')).toBe(words('第一个动作共两个'))
    expect(unspoken(['还有 3 秒', '请向左转头'], ['请向左转头。', '还有五秒'])).toEqual([])
    expect(unspoken(['请把脸放进框内', '正对屏幕'], ['请把脸放进框内'])).toEqual(['正对屏幕'])
    expect(unspoken(['不着急，再做一次'], [])).toEqual(['不着急，再做一次'])
  })
})
