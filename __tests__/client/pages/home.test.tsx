jest.mock('@tarojs/taro', () => require('../support/taro-mock'))
jest.mock('@tarojs/components', () => require('../support/components-mock'))

import { fireEvent, render, screen, waitFor, within } from '@testing-library/react'
import Taro from '@tarojs/taro'
import HomePage from '@/pages/index/index'
import { ROUTES } from '@/services/navigation'
import { resetCloudForTests } from '@/services/transport/cloud'
import { err, ok, useFakeCloud } from '../support/fake-cloud'
import { statusCertified, statusDue, statusOverdue, statusUnbound } from '../support/fixtures'
import { resetTaroMock } from '../support/taro-mock'

beforeEach(() => {
  resetTaroMock()
  resetCloudForTests()
})

const cases = [
  { status: statusCertified, words: '已认证', icon: '✓', shape: 'circle' },
  { status: statusDue, words: '待认证', icon: '!', shape: 'diamond' },
  { status: statusOverdue, words: '已逾期，暂停发放', icon: '✕', shape: 'square' },
] as const

describe('首页 status card', () => {
  test.each(cases)('$words: words, a glyph and a shape — not colour alone', async ({ status, words, icon, shape }) => {
    useFakeCloud({ getStatus: () => ok(status) })
    render(<HomePage />)
    const card = await screen.findByTestId('status-card')
    expect(within(card).getByTestId('status-label').textContent).toBe(words)
    const iconEl = within(card).getByTestId('status-icon')
    expect(iconEl.textContent).toBe(icon)
    expect(iconEl.getAttribute('data-shape')).toBe(shape)
    expect(within(card).getByTestId('status-name').textContent).toBe('王*华')
    expect(within(card).getByTestId('status-insurance').textContent).toBe('企业职工基本养老保险')
    expect(within(card).getByTestId('status-next-due').textContent).toBe('2027年3月')
    // The full ID number never reaches the page.
    expect(document.body.textContent).not.toMatch(/\d{17}[\dX]/)
  })

  test('each state differs in glyph and in shape', () => {
    expect(new Set(cases.map((c) => c.icon)).size).toBe(3)
    expect(new Set(cases.map((c) => c.shape)).size).toBe(3)
  })

  test('the large 开始认证 button opens the certify subpackage; links to 认证记录 and 绑定', async () => {
    useFakeCloud({ getStatus: () => ok(statusDue) })
    render(<HomePage />)
    const start = await screen.findByTestId('start-certify')
    expect(start.textContent).toBe('开始认证')
    expect(start.className).toContain('yl-btn--main')
    fireEvent.click(start)
    expect(Taro.navigateTo).toHaveBeenCalledWith({ url: ROUTES.certify })
    fireEvent.click(screen.getByTestId('go-records'))
    expect(Taro.navigateTo).toHaveBeenCalledWith({ url: ROUTES.records })
    fireEvent.click(screen.getByTestId('go-binding'))
    expect(Taro.navigateTo).toHaveBeenCalledWith({ url: ROUTES.bind })
  })

  test('the three reminders are shown', async () => {
    useFakeCloud({ getStatus: () => ok(statusCertified) })
    render(<HomePage />)
    await screen.findByTestId('status-card')
    const r = screen.getByTestId('reminders').textContent ?? ''
    for (const t of ['每年需进行一次认证', '未认证将暂停发放', '认证通过后次月恢复并补发']) expect(r).toContain(t)
  })

  test('not bound → a friendly card and a big 绑定社保卡 button', async () => {
    useFakeCloud({ getStatus: () => ok(statusUnbound) })
    render(<HomePage />)
    const box = await screen.findByTestId('unbound')
    expect(box.textContent).toContain('您还没有绑定社保卡')
    const btn = screen.getByTestId('go-bind')
    expect(btn.textContent).toBe('绑定社保卡')
    expect(btn.className).toContain('yl-btn--main')
    expect(screen.queryByTestId('status-card')).toBeNull()
    fireEvent.click(btn)
    expect(Taro.navigateTo).toHaveBeenCalledWith({ url: ROUTES.bind })
  })

  test('backend unreachable → 服务暂时不可用，请稍后再试 with a big 重试 that works', async () => {
    let up = false
    useFakeCloud({
      getStatus: () => {
        if (!up) throw new Error('network down')
        return ok(statusCertified)
      },
    })
    render(<HomePage />)
    const banner = await screen.findByTestId('error-banner')
    expect(banner.textContent).toContain('服务暂时不可用，请稍后再试')
    const retry = screen.getByTestId('retry')
    expect(retry.textContent).toBe('重试')
    expect(retry.className).toContain('yl-btn--main')
    up = true
    fireEvent.click(retry)
    await screen.findByTestId('status-card')
    expect(screen.queryByTestId('error-banner')).toBeNull()
  })

  test('a gateway that answers SERVICE_UNAVAILABLE shows the same banner', async () => {
    useFakeCloud({ getStatus: () => err('SERVICE_UNAVAILABLE') })
    render(<HomePage />)
    expect((await screen.findByTestId('error-banner')).textContent).toContain('服务暂时不可用，请稍后再试')
  })

  test('loading state is in words', async () => {
    useFakeCloud({ getStatus: () => new Promise(() => undefined) })
    render(<HomePage />)
    expect(screen.getByTestId('loading').textContent).toContain('正在读取认证信息')
    await waitFor(() => expect(screen.getByText('▶ 朗读')).toBeTruthy())
  })
})
