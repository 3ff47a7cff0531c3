jest.mock('@tarojs/taro', () => require('../support/taro-mock'))
jest.mock('@tarojs/components', () => require('../support/components-mock'))

import { act, fireEvent, render, screen, waitFor, within } from '@testing-library/react'
import { SubscribeCard, SUBSCRIBE_LINES } from '@/components/SubscribeCard'
import { TITLE_PHRASES } from '@/components/SubscribeCard/texts'
import { TEMPLATE_TITLES } from '@/core/reminders/policy'
import HomePage from '@/pages/index/index'
import CertifyResultPage from '@/packages/certify/result'
import { clearResultForTests, saveResult } from '@/packages/certify/flow/result-store'
import { resetCloudForTests } from '@/services/transport/cloud'
import { err, ok, useFakeCloud } from '../support/fake-cloud'
import { statusDue, statusUnbound } from '../support/fixtures'
import { resetTaroMock } from '../support/taro-mock'
import { failedResult, passedResult } from '../certify/support'
import { installTaroExtra } from '../certify/taro-extra'
import { installRequestSubscribe, removeRequestSubscribe, setTemplateEnv, subs } from './support'

beforeEach(() => {
  resetTaroMock()
  resetCloudForTests()
  removeRequestSubscribe()
  setTemplateEnv(true)
})
afterAll(() => setTemplateEnv(false))

describe('SubscribeCard', () => {
  test('explains in plain words what will be sent', async () => {
    useFakeCloud({ recordSubscription: () => ok(subs(0)) })
    render(<SubscribeCard />)
    const card = screen.getByTestId('subscribe-card')
    expect(card.textContent).toContain('认证到期前提醒我')
    for (const words of ['认证快到期时', '认证结果', '家人认证完成']) expect(card.textContent).toContain(words)
    // WeChat's one-time subscription said as it is: one tap, one message; no promise of a series
    expect(card.textContent).toContain('每点一次“开启提醒”，我们可以给您发一条提醒')
    expect(card.textContent).toContain('下次需要时我们会再请您点一次')
    expect(card.textContent).not.toContain('30 天、7 天、1 天')
    expect(card.textContent).not.toContain('多点几次')
    expect(SUBSCRIBE_LINES).toHaveLength(3)
    await waitFor(() => expect(card.getAttribute('data-state')).toBe('off'))
  })

  test('reads the current state with an empty recordSubscription: 已开启提醒 and credits', async () => {
    const fn = useFakeCloud({ recordSubscription: () => ok(subs(2, 1, 0)) })
    render(<SubscribeCard />)
    expect(await screen.findByTestId('subscribe-state-label')).toHaveProperty('textContent', '✓ 已开启提醒')
    expect(fn).toHaveBeenCalledWith({ name: 'recordSubscription', data: { templates: [] } })
    expect(screen.getByTestId('subscribe-credit-certDue').textContent).toBe('认证到期提醒：还能收到 2 条')
    expect(screen.getByTestId('subscribe-credit-certificationResult').textContent).toBe('认证结果通知：还能收到 1 条')
    expect(screen.getByTestId('subscribe-credit-relativeCertified').textContent).toBe('家人认证完成通知：未开启')
    expect(screen.getByTestId('subscribe-card').getAttribute('data-state')).toBe('on')
    // at 特大 a line wraps between its phrases, never inside 未开启 or 通知
    const phrases = (id: string) => Array.from(screen.getByTestId(id).querySelectorAll('.yl-phrases__one')).map((e) => e.textContent)
    expect(phrases('subscribe-credit-relativeCertified')).toEqual(['家人认证', '完成通知：', '未开启'])
    expect(phrases('subscribe-credit-certDue')).toEqual(['认证到期', '提醒：', '还能收到 2 条'])
  })

  test("every message's title phrases join to its title", () => {
    for (const [kind, title] of Object.entries(TEMPLATE_TITLES)) expect({ kind, title: TITLE_PHRASES[kind as keyof typeof TITLE_PHRASES].join('') }).toEqual({ kind, title })
  })

  test('long-term subscription → 长期有效', async () => {
    useFakeCloud({ recordSubscription: () => ok(subs(0, 0, 0, true)) })
    render(<SubscribeCard />)
    expect((await screen.findByTestId('subscribe-credit-certDue')).textContent).toBe('认证到期提醒：长期有效')
    expect(screen.getByTestId('subscribe-card').getAttribute('data-state')).toBe('on')
  })

  test('state read fails → the card and its button still work, no error shown', async () => {
    useFakeCloud({ recordSubscription: () => err('SERVICE_UNAVAILABLE') })
    render(<SubscribeCard />)
    await act(async () => undefined)
    expect(screen.getByTestId('subscribe-card').getAttribute('data-state')).toBe('unknown')
    expect(screen.queryByTestId('subscribe-error')).toBeNull()
    expect(screen.getByTestId('subscribe-button').textContent).toBe('开启提醒')
  })

  test('weapp tap: the WeChat dialog is asked inside the tap, then 已开启提醒 and what was refused', async () => {
    let recorded = 0
    useFakeCloud({
      recordSubscription: (e) => {
        const t = (e.templates as unknown[] | undefined) ?? []
        if (t.length) recorded++
        return ok(recorded ? subs(1, 0, 1) : subs(0))
      },
    })
    const ask = installRequestSubscribe(async () => ({ 'tmpl-due-AAA': 'accept', 'tmpl-result-BBB': 'reject', 'tmpl-relative-CCC': 'accept' }))
    render(<SubscribeCard />)
    await waitFor(() => expect(screen.getByTestId('subscribe-card').getAttribute('data-state')).toBe('off'))
    const button = screen.getByTestId('subscribe-button')
    expect(button.textContent).toBe('开启提醒')
    fireEvent.click(button)
    expect(ask).toHaveBeenCalledTimes(1) // synchronously, within the click
    expect(screen.getByTestId('subscribe-button').textContent).toBe('正在开启…')
    await waitFor(() => expect(screen.getByTestId('subscribe-card').getAttribute('data-state')).toBe('on'))
    expect(screen.getByTestId('subscribe-state-label').textContent).toBe('✓ 已开启提醒')
    expect(screen.getByTestId('subscribe-refused').textContent).toContain('认证结果通知')
    expect(screen.queryByTestId('subscribe-note')).toBeNull()
    expect(screen.getByTestId('subscribe-button').textContent).toBe('再点一次开启提醒')
  })

  test('weapp tap with the main switch off → the Chinese explanation', async () => {
    useFakeCloud({ recordSubscription: () => ok(subs(0)) })
    installRequestSubscribe(async () => {
      throw { errCode: 20004, errMsg: 'requestSubscribeMessage:fail' }
    })
    render(<SubscribeCard />)
    fireEvent.click(screen.getByTestId('subscribe-button'))
    const e = await screen.findByTestId('subscribe-error')
    expect(e.textContent).toContain('接收订阅消息')
    expect(screen.getByTestId('subscribe-button').textContent).toBe('开启提醒')
  })

  test('H5: 本机演示：已模拟同意 on screen after the tap', async () => {
    process.env.TARO_ENV = 'h5'
    const { default: Taro } = jest.requireMock('@tarojs/taro') as { default: { request: jest.Mock } }
    let accepted = false
    Taro.request.mockImplementation(async (opts: { url: string; data: { templates?: unknown[] } }) => {
      if (opts.url === '/auth/local-login') return { statusCode: 200, data: { token: 't' } }
      if (opts.data.templates?.length) accepted = true
      return { statusCode: 200, data: { ok: true, data: accepted ? subs(1, 1, 1) : subs(0) } }
    })
    render(<SubscribeCard />)
    await waitFor(() => expect(screen.getByTestId('subscribe-card').getAttribute('data-state')).toBe('off'))
    fireEvent.click(screen.getByTestId('subscribe-button'))
    expect((await screen.findByTestId('subscribe-note')).textContent).toBe('本机演示：已模拟同意')
    expect(screen.getByTestId('subscribe-card').getAttribute('data-state')).toBe('on')
  })
})

describe('where the card is shown', () => {
  test('首页 (bound): the card; unbound: no card', async () => {
    useFakeCloud({ getStatus: () => ok(statusDue), recordSubscription: () => ok(subs(1)) })
    const { unmount } = render(<HomePage />)
    const bound = await screen.findByTestId('bound')
    expect(within(bound).getByTestId('subscribe-card')).toBeTruthy()
    unmount()
    useFakeCloud({ getStatus: () => ok(statusUnbound) })
    render(<HomePage />)
    await screen.findByTestId('unbound')
    expect(screen.queryByTestId('subscribe-card')).toBeNull()
  })

  test('认证结果: shown after a pass, not after a failure', async () => {
    useFakeCloud({ recordSubscription: () => ok(subs(0)) })
    clearResultForTests()
    saveResult(passedResult)
    installTaroExtra({ r: passedResult.recordId })
    const { unmount } = render(<CertifyResultPage />)
    expect(screen.getByTestId('subscribe-card')).toBeTruthy()
    await act(async () => undefined)
    unmount()
    clearResultForTests()
    const failed = failedResult(1)
    saveResult(failed)
    installTaroExtra({ r: failed.recordId })
    render(<CertifyResultPage />)
    expect(screen.queryByTestId('subscribe-card')).toBeNull()
  })
})
