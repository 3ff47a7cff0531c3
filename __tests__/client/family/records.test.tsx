jest.mock('@tarojs/taro', () => require('./taro-with-hooks'))
jest.mock('@tarojs/components', () => require('../support/components-mock'))

import { fireEvent, render, screen, within } from '@testing-library/react'
import Taro from '@tarojs/taro'
import RecordsPage from '@/packages/records/index'
import type { RecordView } from '@/core/contracts/views'
import { ROUTES } from '@/services/navigation'
import { err, ok, useFakeCloud } from '../support/fake-cloud'
import { records } from '../support/fixtures'
import { recordsSpeech } from '@/packages/records/records-text'
import { REL_FATHER, setup } from './support'

const relative = { relativeId: REL_FATHER, maskedName: '李*国', relationLabel: '父亲' }

describe('认证记录 of a 家人 (?relative=<id>)', () => {
  test('asks for that relative’s records and names whose they are; 返回家人列表', async () => {
    setup({ relative: REL_FATHER })
    const list = jest.fn(() => ok({ records, relative }))
    useFakeCloud({ listRecords: list })
    render(<RecordsPage />)
    expect(await screen.findAllByTestId('record')).toHaveLength(2)
    expect(list).toHaveBeenCalledWith({ limit: 50, relativeId: REL_FATHER })
    expect(screen.getByTestId('records-whose').textContent).toBe('李*国（父亲）的认证记录')
    fireEvent.click(screen.getByTestId('back-family'))
    expect(Taro.navigateTo).toHaveBeenLastCalledWith({ url: ROUTES.family })
  })

  test('a link that is gone: the message, no 重试 that cannot help', async () => {
    setup({ relative: REL_FATHER })
    useFakeCloud({ listRecords: () => err('RELATIVE_NOT_FOUND') })
    render(<RecordsPage />)
    expect((await screen.findByTestId('error-banner')).textContent).toContain('没有找到这位家人')
    expect(screen.queryByTestId('retry')).toBeNull()
  })

  test('without a relative: the person’s own records, no relative heading', async () => {
    setup()
    const list = jest.fn(() => ok({ records }))
    useFakeCloud({ listRecords: list })
    render(<RecordsPage />)
    await screen.findAllByTestId('record')
    expect(list).toHaveBeenCalledWith({ limit: 50 })
    expect(screen.queryByTestId('records-whose')).toBeNull()
    expect(screen.queryByTestId('back-family')).toBeNull()
  })
})

describe('a retry after this cycle’s pass', () => {
  const retry: RecordView = { ...records[0], id: 'r3', certifiedAt: '2026-11-27T02:00:00.000Z', result: 'failed', resultLabel: '未通过', retryAfterPass: true }

  test('reads as a retry that changes nothing, not as a failed certification', async () => {
    setup()
    useFakeCloud({ listRecords: () => ok({ records: [retry, ...records] }) })
    render(<RecordsPage />)
    const [first, second] = await screen.findAllByTestId('record')
    expect(first.textContent).toContain('又试了一次，没有通过')
    expect(within(first).getByTestId('record-retry').textContent).toBe('本期已认证，这次没有通过不影响发放。')
    expect(first.textContent).not.toContain('✕')
    expect(second.textContent).toContain('认证通过')
    expect(recordsSpeech([retry])).toContain('又试了一次，没有通过，本期已认证，这次没有通过不影响发放')
  })

  test('a real failure still reads as 未通过 with its ✕', async () => {
    setup()
    const failed: RecordView = { ...retry, retryAfterPass: undefined }
    useFakeCloud({ listRecords: () => ok({ records: [failed] }) })
    render(<RecordsPage />)
    const item = await screen.findByTestId('record')
    expect(item.textContent).toContain('✕未通过')
    expect(screen.queryByTestId('record-retry')).toBeNull()
  })
})
