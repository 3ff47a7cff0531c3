jest.mock('@tarojs/taro', () => require('../support/taro-mock'))
jest.mock('@tarojs/components', () => require('../support/components-mock'))

import { render, screen } from '@testing-library/react'
import type { RecordView } from '@/core/contracts/views'
import RecordsPage from '@/packages/records/index'
import { recordSentence } from '@/packages/records/records-text'
import { resetCloudForTests } from '@/services/transport/cloud'
import { ok, useFakeCloud } from '../support/fake-cloud'
import { resetTaroMock } from '../support/taro-mock'

beforeEach(() => {
  resetTaroMock()
  resetCloudForTests()
})

/** A face certification an agency reviewer rejected (server/services/views.ts reviewNoteOf). */
const rejected: RecordView = {
  id: 'r1',
  certifiedAt: '2026-11-20T03:00:00.000Z',
  result: 'failed',
  resultLabel: '未通过',
  method: 'face',
  methodLabel: '刷脸认证',
  channel: 'weapp',
  channelLabel: '微信小程序',
  performedBy: 'self',
  performedByLabel: '本人',
  reviewNote: '审核未通过：人脸与登记照片不符。请重新刷脸认证或到社保经办机构办理',
}

describe('认证记录: a record the agency rejected', () => {
  test('shows 未通过, the reason and what to do next, on the page and in the spoken sentence', async () => {
    useFakeCloud({ listRecords: () => ok({ records: [rejected] }) })
    render(<RecordsPage />)
    const [item] = await screen.findAllByTestId('record')
    for (const t of ['✕', '未通过', '人脸与登记照片不符', '请重新刷脸认证或到社保经办机构办理']) expect(item.textContent).toContain(t)
    expect(screen.getByTestId('record-review').textContent).toBe(rejected.reviewNote)
    expect(recordSentence(rejected)).toContain('未通过，审核未通过：人脸与登记照片不符。请重新刷脸认证或到社保经办机构办理，刷脸认证')
  })
})
