/**
 * @jest-environment ./__tests__/client/weapp/support/jsdom-node-env.js
 *
 * The 字号 choice in the compiled weapp (miniprogram-simulate with WeChat's own template and style
 * compilers, through the real Taro runtime): a tap on 特大 raises the page's --yl-scale above
 * WeChat's own 1.4 and is remembered in wx storage; 标准 falls back to WeChat's 1.4, never below.
 * Needs dist/weapp (or WEAPP_DIST): `npm test` builds it before jest.
 */
import { startWeapp, waitFor, type WeappSession } from './simulate-support'

describe('weapp build, 字号 on 首页 (miniprogram-simulate)', () => {
  let s: WeappSession

  beforeAll(async () => {
    s = await startWeapp({
      script: {
        fontSizeScaleFactor: 1.4,
        callFunction: async () => ({ result: { ok: true, data: { bound: false } } }),
      },
    })
  })
  afterAll(async () => s?.close())

  test("特大 sets scale 2 and is stored; 标准 goes back to WeChat's own 1.4", async () => {
    const page = await s.loadPage('pages/index/index')
    const scaleIs = (v: string) => new RegExp(`--yl-scale:\\s*${v.replace('.', '\\.')};`).test(page.html())
    await page.waitForText('字号')
    await waitFor(() => scaleIs('1.4'), 'WeChat scale 1.4 on the root')

    const labels = () => Array.from(page.component.dom.querySelectorAll('wx-button[class*="yl-font-size__btn"]')).map((b) => (b.textContent ?? '').trim())
    expect(labels()).toEqual(['✓标准', '大', '特大'])

    await page.tap({ text: '特大' })
    await waitFor(() => scaleIs('2'), 'scale 2 after 特大')
    expect(s.storage.get('yl.ui.fontSize.v1')).toBe('xlarge')
    await waitFor(() => labels()[2] === '✓特大', '✓ on 特大')

    await page.tap({ text: '标准' })
    await waitFor(() => scaleIs('1.4'), 'back to 1.4 after 标准')
    expect(s.storage.get('yl.ui.fontSize.v1')).toBe('standard')
    page.close()
  })
})
