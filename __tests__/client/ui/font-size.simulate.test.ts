/**
 * @jest-environment jsdom
 *
 * The 字号 choice in the compiled weapp (miniprogram-simulate with WeChat's own template and style
 * compilers, through the real Taro runtime): a tap on 特大 raises the page's --yl-scale above
 * WeChat's own 1.4 and is remembered in wx storage; 标准 falls back to WeChat's 1.4, never below.
 * Needs dist/weapp (`npm test` builds it before jest; run `npm run build:weapp` when running alone).
 */
import fs from 'node:fs'
import path from 'node:path'
import { DIST, installGlobals, installWx, until, type WxMock } from '../weapp/simulate-support'

if (!fs.existsSync(path.join(DIST, 'app.js'))) {
  throw new Error('dist/weapp is missing: run `npm run build:weapp` first (npm test does it before jest)')
}

jest.setTimeout(60_000)

describe('weapp build, 字号 on 首页 (miniprogram-simulate)', () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const simulate = require('miniprogram-simulate') as {
    load(p: string, opts: Record<string, unknown>): string
    render(id: string, props?: Record<string, unknown>): { attach(el: Element): void; dom: Element; querySelectorAll(sel: string): Array<{ dispatchEvent(e: string, detail?: unknown): void }> }
  }
  let wx: WxMock

  beforeAll(() => {
    wx = installWx()
    wx.cloud.callFunction.mockImplementation(async () => ({ result: { ok: true, data: { bound: false } } }))
    installGlobals()
    require(path.join(DIST, 'app.js'))
  })

  test('特大 sets scale 2 and is stored; 标准 goes back to WeChat\'s own 1.4', async () => {
    const id = simulate.load(path.join(DIST, 'pages/index/index'), { rootPath: DIST, compiler: 'official' })
    const page = simulate.render(id)
    page.attach(document.createElement('parent-wrapper'))
    const scaleIs = (s: string) => () => new RegExp(`--yl-scale:\\s*${s.replace('.', '\\.')};`).test(page.dom.innerHTML)
    await until(() => page.dom.innerHTML.includes('字号') && scaleIs('1.4')())

    const buttons = () => page.dom.querySelectorAll('wx-button[class*="yl-font-size__btn"]')
    expect(Array.from(buttons()).map((b) => (b.textContent ?? '').trim())).toEqual(['✓标准', '大', '特大'])

    const choices = page.querySelectorAll('.yl-font-size__btn')
    expect(choices).toHaveLength(3)
    choices[2].dispatchEvent('tap')
    await until(scaleIs('2'))
    expect((wx.getStorageSync as (k: string) => unknown)('yl.ui.fontSize.v1')).toBe('xlarge')
    await until(() => (buttons()[2].textContent ?? '').includes('✓'))

    page.querySelectorAll('.yl-font-size__btn')[0].dispatchEvent('tap')
    await until(scaleIs('1.4'))
    expect((wx.getStorageSync as (k: string) => unknown)('yl.ui.fontSize.v1')).toBe('standard')
  })
})
