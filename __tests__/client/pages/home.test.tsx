jest.mock('@tarojs/taro', () => require('../support/taro-mock'))
jest.mock('@tarojs/components', () => require('../support/components-mock'))

import { fireEvent, render, screen, waitFor, within } from '@testing-library/react'
import Taro from '@tarojs/taro'
import HomePage from '@/pages/index/index'
import { homeSpeech } from '@/pages/index/home-text'
import { AWAITING_REVIEW_ADVICE } from '@/components/StatusCard/look'
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
    // The full ID number never reaches the page.
    expect(document.body.textContent).not.toMatch(/\d{17}[\dX]/)
  })

  test('the deadline is a day, never a bare month; suspended says since when and how payment comes back', async () => {
    useFakeCloud({ getStatus: () => ok(statusDue) })
    const { unmount } = render(<HomePage />)
    expect((await screen.findByTestId('status-next-due')).textContent).toBe('请在2027年3月31日前完成认证')
    unmount()
    useFakeCloud({ getStatus: () => ok(statusCertified) })
    const second = render(<HomePage />)
    expect((await screen.findByTestId('status-next-due')).textContent).toBe('下次请在2027年3月31日前认证')
    second.unmount()
    useFakeCloud({ getStatus: () => ok(statusOverdue) })
    render(<HomePage />)
    const card = await screen.findByTestId('status-card')
    expect(within(card).getByTestId('status-suspended').textContent).toBe('2026年4月起暂停发放')
    expect(within(card).getByTestId('status-advice').textContent).toBe('养老金已暂停发放。完成认证后次月恢复发放并补发。')
    expect(within(card).queryByTestId('status-next-due')).toBeNull()
    expect(card.textContent).not.toContain('2027年3月')
  })

  test('certified: leads with 本期已认证，无需重复认证, no big 开始认证, a small 再认证一次', async () => {
    useFakeCloud({ getStatus: () => ok(statusCertified) })
    render(<HomePage />)
    const card = await screen.findByTestId('status-card')
    expect(within(card).getByTestId('status-advice').textContent).toContain('本期已认证，无需重复认证')
    expect(screen.queryByTestId('start-certify')).toBeNull()
    const again = screen.getByTestId('certify-again')
    expect(again.className).toContain('yl-btn--secondary')
    expect(again.className).not.toContain('yl-btn--main')
    fireEvent.click(again)
    expect(Taro.navigateTo).toHaveBeenCalledWith({ url: ROUTES.certify })
  })

  test('due, the last try waiting for 人工审核: says so, no big 开始认证 (another try would only wait beside it), a small 再认证一次', async () => {
    const waiting = { ...statusDue, lastResult: { result: 'pending_review' as const, resultLabel: '人工审核中', certifiedAt: '2026-11-27T02:00:00.000Z' } }
    useFakeCloud({ getStatus: () => ok(waiting) })
    const { unmount } = render(<HomePage />)
    const card = await screen.findByTestId('status-card')
    expect(within(card).getByTestId('status-last').textContent).toBe('人工审核中，2026年11月27日')
    // The first sentence under the state says to wait, not to certify.
    expect(within(card).getByTestId('status-advice').textContent).toBe(AWAITING_REVIEW_ADVICE)
    expect(within(card).getByTestId('status-awaiting-review').textContent).toBe('审核通过的，从认证那天算起。')
    expect(card.textContent).not.toContain('完成认证')
    expect(screen.queryByTestId('start-certify')).toBeNull()
    expect(screen.getByTestId('certify-again').className).toContain('yl-btn--secondary')
    const speech = homeSpeech({ phase: 'ready', status: waiting })
    expect(speech).toContain(AWAITING_REVIEW_ADVICE)
    expect(speech).toContain('审核通过的，从认证那天算起。')
    expect(speech).not.toContain('请点击开始认证按钮')
    unmount()
    // Suspended and waiting: how payment comes back once approved.
    useFakeCloud({ getStatus: () => ok({ ...statusOverdue, lastResult: waiting.lastResult }) })
    const suspended = render(<HomePage />)
    expect((await screen.findByTestId('status-awaiting-review')).textContent).toBe('审核通过后，次月恢复发放并补发。')
    expect(screen.queryByTestId('start-certify')).toBeNull()
    suspended.unmount()
    // Once decided and not passed, there is something to do again: the big button is back.
    useFakeCloud({ getStatus: () => ok({ ...waiting, lastResult: { ...waiting.lastResult, result: 'failed' as const, resultLabel: '未通过' } }) })
    render(<HomePage />)
    expect(await screen.findByTestId('start-certify')).toBeTruthy()
    expect(screen.queryByTestId('status-awaiting-review')).toBeNull()
  })

  test('a failed retry after this cycle’s pass reads as a retry: 已认证 stays, 上次认证 is the pass', async () => {
    const retried = { ...statusCertified, laterRetry: { result: 'failed' as const, resultLabel: '未通过', certifiedAt: '2026-11-27T02:00:00.000Z' } }
    useFakeCloud({ getStatus: () => ok(retried) })
    render(<HomePage />)
    const card = await screen.findByTestId('status-card')
    expect(within(card).getByTestId('status-label').textContent).toBe('已认证')
    expect(within(card).getByTestId('status-last').textContent).toBe('认证通过，2026年3月5日')
    expect(within(card).getByTestId('status-retry').textContent).toBe('本期已认证。2026年11月27日又试了一次没有通过，不影响发放。')
    expect(card.textContent).not.toContain('上次认证未通过')
  })

  test('every page says certification is free and what 社保 never asks for', async () => {
    useFakeCloud({ getStatus: () => ok(statusDue) })
    render(<HomePage />)
    const notice = await screen.findByTestId('scam-notice')
    expect(notice.textContent).toContain('认证是免费的')
    expect(notice.textContent).toContain('社保部门的工作人员不会向您要银行卡号、密码或短信验证码')
  })

  test('each state differs in glyph and in shape', () => {
    expect(new Set(cases.map((c) => c.icon)).size).toBe(3)
    expect(new Set(cases.map((c) => c.shape)).size).toBe(3)
  })

  test('due: the large 开始认证 button opens the certify subpackage; links to 认证记录 and 绑定', async () => {
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

  test('not bound → a friendly card that does not read as a failure, and a big 绑定社保卡 button', async () => {
    useFakeCloud({ getStatus: () => ok(statusUnbound) })
    render(<HomePage />)
    const box = await screen.findByTestId('unbound')
    expect(box.textContent).toContain('查看本人的认证情况，请先绑定社保卡')
    expect(box.textContent).not.toContain('您还没有绑定')
    expect(screen.getByTestId('unbound-already-done').textContent).toBe('如果您是通过家人分享或通知单完成的认证，结果已经保存，不用绑定也可以。')
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

describe('首页 speech', () => {
  test('reads what the card shows: state, deadline as a day, last result, a retry as a retry, the scam notice', () => {
    const retried = { ...statusCertified, laterRetry: { result: 'failed' as const, resultLabel: '未通过', certifiedAt: '2026-11-27T02:00:00.000Z' } }
    const text = homeSpeech({ phase: 'ready', status: retried })
    for (const s of ['已认证', '本期已认证，无需重复认证', '下次请在2027年3月31日前认证', '上次认证：认证通过，2026年3月5日', '2026年11月27日又试了一次没有通过，不影响发放', '认证是免费的', '短信验证码']) {
      expect(text).toContain(s)
    }
    expect(homeSpeech({ phase: 'ready', status: statusUnbound })).toContain('结果已经保存，不用绑定也可以')
  })
})
