jest.mock('@tarojs/taro', () => require('../support/taro-mock'))
jest.mock('@tarojs/components', () => require('../support/components-mock'))

import { fireEvent, render, screen } from '@testing-library/react'
import Taro from '@tarojs/taro'
import RecordsPage from '@/packages/records/index'
import { ROUTES } from '@/services/navigation'
import { resetCloudForTests } from '@/services/transport/cloud'
import { err, ok, useFakeCloud } from '../support/fake-cloud'
import { records } from '../support/fixtures'
import { resetTaroMock } from '../support/taro-mock'

beforeEach(() => {
  resetTaroMock()
  resetCloudForTests()
})

describe('认证记录', () => {
  test('lists date, 结果, 方式, 渠道 and 办理人 for each record', async () => {
    const list = jest.fn(() => ok({ records }))
    useFakeCloud({ listRecords: list })
    render(<RecordsPage />)
    const items = await screen.findAllByTestId('record')
    expect(items).toHaveLength(2)
    const first = items[0].textContent ?? ''
    for (const t of ['2026年3月5日', '认证通过', '刷脸认证', '微信小程序', '亲属代办', '✓']) expect(first).toContain(t)
    const second = items[1].textContent ?? ''
    for (const t of ['2025年3月2日', '窗口认证', '社保经办机构', '经办人员']) expect(second).toContain(t)
    expect(list).toHaveBeenCalledWith({ limit: 50 })
  })

  test('empty state', async () => {
    useFakeCloud({ listRecords: () => ok({ records: [] }) })
    render(<RecordsPage />)
    expect((await screen.findByTestId('empty')).textContent).toContain('还没有认证记录')
  })

  test('error + 重试', async () => {
    let up = false
    useFakeCloud({
      listRecords: () => {
        if (!up) throw new Error('down')
        return ok({ records })
      },
    })
    render(<RecordsPage />)
    expect((await screen.findByTestId('error-banner')).textContent).toContain('服务暂时不可用，请稍后再试')
    up = true
    fireEvent.click(screen.getByTestId('retry'))
    expect(await screen.findAllByTestId('record')).toHaveLength(2)
  })

  test('not bound → says so and offers 绑定社保卡', async () => {
    useFakeCloud({ listRecords: () => err('NOT_BOUND') })
    render(<RecordsPage />)
    const box = await screen.findByTestId('not-bound')
    expect(box.textContent).toContain('请先绑定本人社保卡')
    fireEvent.click(screen.getByText('绑定社保卡'))
    expect(Taro.navigateTo).toHaveBeenCalledWith({ url: ROUTES.bind })
  })
})
