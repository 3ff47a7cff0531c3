jest.mock('@tarojs/taro', () => require('./taro-with-hooks'))
jest.mock('@tarojs/components', () => require('../support/components-mock'))

import { act, fireEvent, render, screen } from '@testing-library/react'
import SharePage from '@/packages/family/share'
import { err, ok, useFakeCloud } from '../support/fake-cloud'
import { flush, ID_NUMBER, REL_FATHER, setClipboardData, setup, shareCreated, TOKEN, useFakeGateway } from './support'
import { hooks } from './taro-with-hooks'

type ShareHandler = () => { title: string; path: string }

describe('发给TA自己认证 (weapp)', () => {
  beforeEach(() => setup({ relative: REL_FATHER }))

  test('the page config enables useShareAppMessage', () => {
    // share.config.ts evaluated with definePageConfig = identity (Taro's build does the same).
    ;(globalThis as unknown as { definePageConfig: (c: unknown) => unknown }).definePageConfig = (c) => c
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const config = require('@/packages/family/share.config').default as { enableShareAppMessage?: boolean }
    expect(config.enableShareAppMessage).toBe(true)
  })

  test('createShare for the relative → the card title, 7-day expiry, a big 发给家人 (open-type share); WeChat gets {title, path}', async () => {
    const create = jest.fn(() => ok(shareCreated))
    useFakeCloud({ createShare: create })
    render(<SharePage />)
    await screen.findByTestId('share-card')
    expect(create).toHaveBeenCalledWith({ relativeId: REL_FATHER })
    expect(screen.getByTestId('share-title').textContent).toContain('李*国的养老资格认证')
    // At 特大 the heading wraps between phrases (李*国的养老 / 资格认证), never inside 资格.
    expect(Array.from(screen.getByTestId('share-title').querySelectorAll('.yl-phrases__one')).map((e) => e.textContent)).toEqual(['李*国的', '养老', '资格认证'])
    expect(screen.getByTestId('share-expires').textContent).toContain('2026年12月4日')
    const send = screen.getByTestId('share-send')
    expect(send.textContent).toBe('发给家人')
    expect(send.className).toContain('yl-btn--main')
    expect(screen.queryByTestId('share-link')).toBeNull()

    const handler = hooks.useShareAppMessage.mock.calls.at(-1)?.[0] as ShareHandler
    // the card travels alone: its title carries the safety line too
    expect(handler()).toEqual({ title: '李*国的养老资格认证｜认证免费，社保不会要银行卡号、密码、验证码', path: `/packages/certify/index?share=${TOKEN}` })
    expect(screen.getByTestId('share-safety').textContent).toContain('认证免费，社保不会要银行卡号、密码、验证码')
    expect(screen.getByTestId('scam-notice').textContent).toContain('社保部门的工作人员不会向您要银行卡号、密码或短信验证码')
    expect(JSON.stringify(handler())).not.toMatch(ID_NUMBER)
  })

  test('before the card exists the share menu falls back to 首页 (never an empty path)', () => {
    useFakeCloud({ createShare: () => new Promise(() => undefined) })
    render(<SharePage />)
    const handler = hooks.useShareAppMessage.mock.calls.at(-1)?.[0] as ShareHandler
    expect(handler()).toEqual({ title: '银龄认证', path: '/pages/index/index' })
    expect(screen.getByTestId('loading').textContent).toContain('正在生成分享')
  })

  test('撤销 → revokeShare {token} → 已撤销; 重新生成 makes a new card', async () => {
    const revoke = jest.fn(() => ok({ revoked: true, count: 1 }))
    const create = jest.fn(() => ok(shareCreated))
    useFakeCloud({ createShare: create, revokeShare: revoke })
    render(<SharePage />)
    await screen.findByTestId('share-card')
    await act(async () => {
      fireEvent.click(screen.getByTestId('share-revoke'))
      await flush()
    })
    expect(revoke).toHaveBeenCalledWith({ token: TOKEN })
    expect(screen.getByTestId('share-revoked').textContent).toContain('分享已撤销')
    expect(screen.queryByTestId('share-card')).toBeNull()
    const handler = hooks.useShareAppMessage.mock.calls.at(-1)?.[0] as ShareHandler
    expect(handler().path).toBe('/pages/index/index')
    await act(async () => {
      fireEvent.click(screen.getByTestId('share-again'))
      await flush()
    })
    expect(create).toHaveBeenCalledTimes(2)
    await screen.findByTestId('share-card')
  })

  test('RELATIVE_NOT_FOUND → the message, no 重试; RATE_LIMITED → message with 重试', async () => {
    useFakeCloud({ createShare: () => err('RELATIVE_NOT_FOUND') })
    const { unmount } = render(<SharePage />)
    expect((await screen.findByTestId('share-error')).getAttribute('data-code')).toBe('RELATIVE_NOT_FOUND')
    expect(screen.queryByTestId('retry')).toBeNull()
    unmount()
    useFakeCloud({ createShare: () => err('RATE_LIMITED') })
    render(<SharePage />)
    expect((await screen.findByTestId('share-error')).getAttribute('data-code')).toBe('RATE_LIMITED')
    expect(screen.getByTestId('retry')).toBeTruthy()
  })
})

describe('发给TA自己认证 (H5)', () => {
  beforeEach(() => setup({ relative: REL_FATHER }, 'h5'))

  test('the full link (this origin + the card path), 复制链接 via setClipboardData with the safety line before it, no ID or name in the link', async () => {
    useFakeGateway({ createShare: () => ok(shareCreated) })
    render(<SharePage />)
    const link = await screen.findByTestId('share-link')
    const url = `${window.location.origin}/packages/certify/index?share=${TOKEN}`
    expect(link.textContent).toBe(url)
    expect(url).not.toMatch(ID_NUMBER)
    expect(url).not.toMatch(/[\u4e00-\u9fa5]/)
    expect(screen.queryByTestId('share-send')).toBeNull()
    await act(async () => {
      fireEvent.click(screen.getByTestId('share-copy'))
      await flush()
    })
    expect(setClipboardData).toHaveBeenCalledWith({ data: `李*国的养老资格认证（认证免费，社保不会要银行卡号、密码、验证码）：${url}` })
    expect(screen.getByTestId('copied').textContent).toContain('已复制')
  })

  test('copying refused by the browser → says to long-press the link', async () => {
    useFakeGateway({ createShare: () => ok(shareCreated) })
    setClipboardData.mockImplementation(async () => {
      throw new Error('denied')
    })
    render(<SharePage />)
    await screen.findByTestId('share-link')
    await act(async () => {
      fireEvent.click(screen.getByTestId('share-copy'))
      await flush()
    })
    expect(screen.getByTestId('copy-failed').textContent).toContain('长按')
  })
})
