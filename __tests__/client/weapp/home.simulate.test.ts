/**
 * @jest-environment ./__tests__/client/weapp/support/jsdom-node-env.js
 *
 * The compiled weapp 首页 rendered by miniprogram-simulate through the real Taro runtime, with a
 * scripted cloud function (a suspended pension, a state the demo roster does not start in).
 * Needs dist/weapp (or WEAPP_DIST): `npm test` builds it before jest; run `npm run build:weapp` when running alone.
 */
import { startWeapp, type WeappSession } from './simulate-support'

const SUSPENDED = {
  bound: true,
  person: { maskedName: '王*华', maskedIdNumber: '110***********002X', insuranceType: 'enterprise', insuranceLabel: '企业职工基本养老保险' },
  status: 'overdue_suspended',
  statusLabel: '已逾期，暂停发放',
  nextDueDate: '2026-03-01',
  nextDueMonthLabel: '2026年3月',
  nextDueDeadlineLabel: '2026年3月31日',
  suspendedSince: '2026-04-01',
}

describe('weapp build, 首页 (miniprogram-simulate)', () => {
  let s: WeappSession

  beforeAll(async () => {
    s = await startWeapp({
      script: {
        fontSizeScaleFactor: 1.4,
        callFunction: async ({ name, data }) => {
          const event = data as { name?: string }
          if (name === 'api' && event.name === 'getStatus') return { result: { ok: true, data: SUSPENDED } }
          return { result: { ok: false, error: { code: 'NOT_FOUND' } } }
        },
      },
    })
  })
  afterAll(async () => s?.close())

  test('renders the status card from the cloud function, in words and icon, with the user font scale', async () => {
    const page = await s.loadPage('pages/index/index')
    const html = await page.waitForText('王*华').then(() => page.html())
    expect(s.callsOf('cloud.init')).toHaveLength(1)
    expect(s.callsOf('cloud.callFunction').map((c) => c.args[0])).toContainEqual(expect.objectContaining({ name: 'api', data: { name: 'getStatus', data: {} } }))
    // suspended: since when and how payment comes back, not the past due month (as read: the words kept whole
    // at 特大 are pieces of their own in the markup)
    const text = page.text()
    expect(text).toContain('2026年4月起暂停发放')
    expect(text).toContain('完成认证后次月恢复发放并补发')
    expect(text).toContain('已逾期，暂停发放')
    expect(html).toContain('✕')
    expect(html).toContain('开始认证')
    expect(html).toContain('每年需进行一次认证')
    // WeChat font scale 1.4 reached the root CSS variable.
    expect(html).toMatch(/--yl-scale:\s*1\.4/)

    // A tap on the real compiled button reaches the React handler and navigates to the subpackage.
    await page.tap('.yl-btn--main')
    await s.waitForCall('navigateTo')
    expect(s.navigations()).toContainEqual(expect.objectContaining({ name: 'navigateTo', url: '/packages/certify/index' }))
    page.close()
  })
})
