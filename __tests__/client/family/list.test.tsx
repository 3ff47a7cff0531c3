jest.mock('@tarojs/taro', () => require('./taro-with-hooks'))
jest.mock('@tarojs/components', () => require('../support/components-mock'))

import { act, fireEvent, render, screen, within } from '@testing-library/react'
import Taro from '@tarojs/taro'
import FamilyPage from '@/packages/family'
import HomePage from '@/pages/index/index'
import { ROUTES } from '@/services/navigation'
import { err, ok, useFakeCloud } from '../support/fake-cloud'
import { statusUnbound } from '../support/fixtures'
import { father, flush, ID_NUMBER, list, mother, REL_FATHER, relative, setup, spouseCertified } from './support'
import { hooks } from './taro-with-hooks'

beforeEach(() => setup())

describe('家人 list', () => {
  test('each relative: masked name + relation, the deadline as a day, status in words with a glyph and a shape', async () => {
    useFakeCloud({ listRelatives: () => ok(list([father, mother, spouseCertified])) })
    render(<FamilyPage />)
    const items = await screen.findAllByTestId('relative')
    expect(items).toHaveLength(3)
    const [a, b, c] = items
    expect(within(a).getByTestId('relative-name').textContent).toBe('李*国（父亲）')
    expect(within(a).getByTestId('relative-status').textContent).toBe('待认证')
    expect(a.textContent).toContain('请在2026年11月30日前完成认证')
    expect(a.textContent).not.toContain('下次认证日期')
    expect(within(a).getByTestId('relative-icon').textContent).toBe('!')
    expect(within(a).getByTestId('relative-icon').getAttribute('data-shape')).toBe('diamond')

    expect(within(b).getByTestId('relative-name').textContent).toBe('张*兰（母亲）')
    expect(within(b).getByTestId('relative-status').textContent).toBe('已逾期，暂停发放')
    expect(within(b).getByTestId('relative-icon').getAttribute('data-shape')).toBe('square')
    // suspended: since when and how payment comes back, not a past due month
    expect(b.textContent).toContain('2026年9月起暂停发放。完成认证后次月恢复发放并补发。')
    expect(b.textContent).not.toContain('2026年8月')

    expect(within(c).getByTestId('relative-status').textContent).toBe('已认证')
    expect(within(c).getByTestId('relative-icon').textContent).toBe('✓')
    expect(within(c).getByTestId('relative-icon').getAttribute('data-shape')).toBe('circle')
    expect(c.textContent).toContain('上次认证：认证通过，2026年11月27日')
    expect(c.textContent).toContain('下次请在2027年11月30日前认证')
    expect(c.textContent).toContain('已发给TA，链接 2026年12月4日 前有效')

    expect(screen.getByTestId('count').textContent).toContain('已添加 3 位家人，最多可以添加 8 位')
    // at 特大 it wraps after 家人，, not inside 家人
    expect(Array.from(screen.getByTestId('count').querySelectorAll('.yl-phrases__one')).map((e) => e.textContent)).toEqual(['已添加 3 位家人，', '最多可以添加 8 位。'])
    expect(document.body.textContent).not.toMatch(ID_NUMBER)
  })

  test('big buttons per relative: 帮TA认证 → 认证须知 with the relativeId only; 发给TA自己认证 → the share page', async () => {
    useFakeCloud({ listRelatives: () => ok(list([father])) })
    render(<FamilyPage />)
    const item = await screen.findByTestId('relative')
    const certify = within(item).getByTestId('certify-for')
    expect(certify.textContent).toBe('帮TA认证')
    expect(certify.className).toContain('yl-btn--main')
    fireEvent.click(certify)
    expect(Taro.navigateTo).toHaveBeenLastCalledWith({ url: `${ROUTES.certify}?relative=${REL_FATHER}` })
    fireEvent.click(within(item).getByTestId('share'))
    expect(within(item).getByTestId('share').textContent).toBe('发给TA自己认证')
    expect(Taro.navigateTo).toHaveBeenLastCalledWith({ url: `${ROUTES.familyShare}?relative=${REL_FATHER}` })
    for (const [call] of (Taro.navigateTo as jest.Mock).mock.calls) {
      expect(call.url).not.toMatch(ID_NUMBER)
      expect(call.url).not.toContain('李')
    }
  })

  test('认证记录 per relative opens that relative’s records (the relativeId only)', async () => {
    useFakeCloud({ listRelatives: () => ok(list([father, spouseCertified])) })
    render(<FamilyPage />)
    const [, second] = await screen.findAllByTestId('relative')
    const records = within(second).getByTestId('relative-records')
    expect(records.textContent).toBe('认证记录')
    fireEvent.click(records)
    expect(Taro.navigateTo).toHaveBeenLastCalledWith({ url: `${ROUTES.records}?relative=${spouseCertified.relativeId}` })
  })

  test('a failed retry after the relative’s pass is shown as a retry, not as the result', async () => {
    const retried = { ...spouseCertified, laterRetry: { result: 'failed' as const, resultLabel: '未通过', certifiedAt: '2026-11-28T03:00:00.000Z' } }
    useFakeCloud({ listRelatives: () => ok(list([retried])) })
    render(<FamilyPage />)
    const item = await screen.findByTestId('relative')
    expect(item.textContent).toContain('上次认证：认证通过，2026年11月27日')
    expect(item.textContent).toContain('本期已认证。2026年11月28日又试了一次没有通过，不影响发放。')
  })

  test('a relative whose last try waits for 人工审核: the entry says to wait, with the deadline as a plain day', async () => {
    const waiting = { ...father, lastResult: { result: 'pending_review' as const, resultLabel: '人工审核中', certifiedAt: '2026-11-28T03:00:00.000Z' } }
    useFakeCloud({ listRelatives: () => ok(list([waiting])) })
    render(<FamilyPage />)
    const item = await screen.findByTestId('relative')
    expect(item.textContent).toContain('上次认证：人工审核中，2026年11月28日')
    expect(item.textContent).toContain('最近一次认证正在人工审核，不用再认证，请耐心等待。')
    expect(item.textContent).not.toContain('前完成认证')
  })

  test('移除 asks first; 不移除 keeps it; 确定移除 removes and the list is read again', async () => {
    let relatives = [father, mother]
    const remove = jest.fn((e: Record<string, unknown>) => {
      relatives = relatives.filter((r) => r.relativeId !== e.relativeId)
      return ok({ removed: true })
    })
    useFakeCloud({ listRelatives: () => ok(list(relatives)), removeRelative: remove })
    render(<FamilyPage />)
    const first = (await screen.findAllByTestId('relative'))[0]
    fireEvent.click(within(first).getByTestId('remove'))
    const confirm = within(first).getByTestId('remove-confirm')
    expect(confirm.textContent).toContain('确定要移除李*国（父亲）吗？')
    expect(confirm.textContent).toContain('分享链接也会失效')
    fireEvent.click(within(first).getByTestId('remove-no'))
    expect(within(first).queryByTestId('remove-confirm')).toBeNull()
    expect(remove).not.toHaveBeenCalled()

    fireEvent.click(within(first).getByTestId('remove'))
    await act(async () => {
      fireEvent.click(within(first).getByTestId('remove-yes'))
      await flush()
    })
    expect(remove).toHaveBeenCalledWith({ relativeId: REL_FATHER })
    const left = await screen.findAllByTestId('relative')
    expect(left).toHaveLength(1)
    expect(within(left[0]).getByTestId('relative-name').textContent).toBe('张*兰（母亲）')
  })

  test('a refused removal says so and keeps the entry', async () => {
    useFakeCloud({ listRelatives: () => ok(list([father])), removeRelative: () => err('RELATIVE_NOT_FOUND') })
    render(<FamilyPage />)
    const item = await screen.findByTestId('relative')
    fireEvent.click(within(item).getByTestId('remove'))
    await act(async () => {
      fireEvent.click(within(item).getByTestId('remove-yes'))
      await flush()
    })
    expect(within(item).getByTestId('error-banner').getAttribute('data-code')).toBe('RELATIVE_NOT_FOUND')
    expect(screen.getAllByTestId('relative')).toHaveLength(1)
  })

  test('empty list: explains what 家人 is for, with a big 添加家人 button', async () => {
    useFakeCloud({ listRelatives: () => ok(list([])) })
    render(<FamilyPage />)
    expect((await screen.findByTestId('empty')).textContent).toContain('您还没有添加家人')
    const add = screen.getByTestId('add')
    expect(add.className).toContain('yl-btn--main')
    fireEvent.click(add)
    expect(Taro.navigateTo).toHaveBeenCalledWith({ url: ROUTES.familyAdd })
  })

  test('8 relatives: no 添加家人 button, the limit in words and how to make room', async () => {
    const eight = Array.from({ length: 8 }, (_, i) => relative(`00000000-0000-4000-8000-00000000000${i}`))
    useFakeCloud({ listRelatives: () => ok(list(eight)) })
    render(<FamilyPage />)
    const limit = await screen.findByTestId('limit')
    expect(limit.textContent).toContain('最多可以添加 8 位家人')
    expect(limit.textContent).toContain('移除')
    expect(screen.queryByTestId('add')).toBeNull()
  })

  test('list failure → the message and a 重试 that works; coming back to the page reads the list again', async () => {
    let up = false
    let calls = 0
    useFakeCloud({
      listRelatives: () => {
        calls++
        if (!up) throw new Error('down')
        return ok(list([father]))
      },
    })
    render(<FamilyPage />)
    expect((await screen.findByTestId('error-banner')).textContent).toContain('服务暂时不可用')
    up = true
    fireEvent.click(screen.getByTestId('retry'))
    await screen.findByTestId('relative')
    // useDidShow: the first show is the mount (no second read); later shows reload.
    const onShow = hooks.useDidShow.mock.calls[0][0] as () => void
    const before = calls
    act(() => onShow())
    expect(calls).toBe(before)
    await act(async () => {
      onShow()
      await flush()
    })
    expect(calls).toBe(before + 1)
  })
})

describe('首页 entries', () => {
  test('家人认证 and 认证查询 buttons, also before binding (a child needs no 本人 binding to help)', async () => {
    useFakeCloud({ getStatus: () => ok(statusUnbound) })
    render(<HomePage />)
    await screen.findByTestId('unbound')
    fireEvent.click(screen.getByTestId('go-family'))
    expect(Taro.navigateTo).toHaveBeenCalledWith({ url: ROUTES.family })
    fireEvent.click(screen.getByTestId('go-query'))
    expect(Taro.navigateTo).toHaveBeenCalledWith({ url: ROUTES.query })
    expect(screen.getByTestId('go-family').textContent).toBe('家人认证')
  })
})
