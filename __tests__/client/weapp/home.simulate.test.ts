/**
 * @jest-environment jsdom
 *
 * The compiled weapp 首页 rendered by miniprogram-simulate through the real Taro runtime.
 * Needs dist/weapp: `npm test` builds it before jest; run `npm run build:weapp` when running alone.
 */
import fs from 'node:fs'
import path from 'node:path'
import { DIST, installGlobals, installWx, until, type WxMock } from './simulate-support'

if (!fs.existsSync(path.join(DIST, 'app.js'))) {
  throw new Error('dist/weapp is missing: run `npm run build:weapp` first (npm test does it before jest)')
}

jest.setTimeout(60_000)

describe('weapp build, 首页 (miniprogram-simulate)', () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const simulate = require('miniprogram-simulate') as {
    load(p: string, opts: Record<string, unknown>): string
    render(id: string, props?: Record<string, unknown>): { attach(el: Element): void; dom: Element; querySelector(sel: string): { dispatchEvent(e: string, detail?: unknown): void } | null }
  }
  let wx: WxMock

  beforeAll(() => {
    wx = installWx()
    wx.cloud.callFunction.mockImplementation(async ({ name, data }: { name: string; data?: { name?: string } }) => {
      if (name === 'api' && data?.name === 'getStatus') {
        return {
          result: {
            ok: true,
            data: {
              bound: true,
              person: { maskedName: '王*华', maskedIdNumber: '110***********002X', insuranceType: 'enterprise', insuranceLabel: '企业职工基本养老保险' },
              status: 'overdue_suspended',
              statusLabel: '已逾期，暂停发放',
              nextDueDate: '2026-03-01',
              nextDueMonthLabel: '2026年3月',
              nextDueDeadlineLabel: '2026年3月31日',
              suspendedSince: '2026-04-01',
            },
          },
        }
      }
      return { result: { ok: false, error: { code: 'NOT_FOUND' } } }
    })
    installGlobals()
    require(path.join(DIST, 'app.js'))
  })

  test('renders the status card from the cloud function, in words and icon, with the user font scale', async () => {
    const id = simulate.load(path.join(DIST, 'pages/index/index'), { rootPath: DIST, compiler: 'official' })
    const page = simulate.render(id)
    const parent = document.createElement('parent-wrapper')
    page.attach(parent)
    const html = await until(() => {
      const h = page.dom.innerHTML
      return h.includes('王*华') ? h : undefined
    })
    expect(wx.cloud.init).toHaveBeenCalled()
    expect(wx.cloud.callFunction).toHaveBeenCalledWith({ name: 'api', data: { name: 'getStatus', data: {} } })
    expect(html).toContain('王*华')
    // suspended: since when and how payment comes back, not the past due month
    expect(html).toContain('2026年4月')
    expect(html).toContain('起暂停发放')
    expect(html).toContain('完成认证后次月恢复发放并补发')
    expect(html).toContain('已逾期，暂停发放')
    expect(html).toContain('✕')
    expect(html).toContain('开始认证')
    expect(html).toContain('每年需进行一次认证')
    // WeChat font scale 1.4 reached the root CSS variable.
    expect(html).toMatch(/--yl-scale:\s*1\.4/)

    // A tap on the real compiled button reaches the React handler and navigates to the subpackage.
    const start = page.querySelector('.yl-btn--main')
    expect(start).not.toBeNull()
    start?.dispatchEvent('tap')
    await until(() => wx.navigateTo.mock.calls.length > 0)
    expect(wx.navigateTo).toHaveBeenCalledWith(expect.objectContaining({ url: '/packages/certify/index' }))
  })
})
