/**
 * Fixtures and Taro extras for the 家人 / share / notice / 认证查询 page tests. Every test file wires
 *   jest.mock('@tarojs/taro', () => require('./taro-with-hooks'))
 * which is the shared taro-mock plus the hooks and APIs these pages use.
 */
import Taro from '@tarojs/taro'
import type { RelativeView, RelativesView, StatusQueryView } from '@/core/contracts/family'
import type { NoticeResolvedView } from '@/core/contracts/notices'
import type { ShareCreatedView, ShareOpenedView } from '@/core/contracts/share'
import { installTaroExtra } from '../certify/taro-extra'
import { resetTaroMock } from '../support/taro-mock'
import { resetCloudForTests } from '@/services/transport/cloud'
import { hooks } from './taro-with-hooks'

export const REL_FATHER = '3f0c6a52-8d0e-4c1a-9d55-0f2a6e1b7c01'
export const REL_MOTHER = '7a1d2b33-1c4e-4f5a-8b66-1e3b7f2c8d02'
export const REL_OTHER = 'b52e9c44-2d5f-4a6b-9c77-2f4c8a3d9e03'

/** A well-formed (but fake) share token: 22 + '.' + 43 base64url characters. */
export const TOKEN = `${'A'.repeat(22)}.${'b'.repeat(43)}`
export const NOTICE_CODE = 'Ab3dE5gH9kLm'

export function relative(id: string, patch: Partial<RelativeView> = {}): RelativeView {
  return {
    relativeId: id,
    maskedName: '李*国',
    relation: 'father',
    relationLabel: '父亲',
    status: 'due',
    statusLabel: '待认证',
    nextDueDate: '2026-11-01',
    nextDueMonthLabel: '2026年11月',
    nextDueDeadlineLabel: '2026年11月30日',
    addedAt: '2026-11-27T02:00:00.000Z',
    ...patch,
  }
}

export const father = relative(REL_FATHER)
export const mother = relative(REL_MOTHER, {
  maskedName: '张*兰',
  relation: 'mother',
  relationLabel: '母亲',
  status: 'overdue_suspended',
  statusLabel: '已逾期，暂停发放',
  nextDueDate: '2026-08-01',
  nextDueMonthLabel: '2026年8月',
  nextDueDeadlineLabel: '2026年8月31日',
  suspendedSince: '2026-09-01',
})
export const spouseCertified = relative(REL_OTHER, {
  maskedName: '王*英',
  relation: 'spouse',
  relationLabel: '配偶',
  status: 'certified',
  statusLabel: '已认证',
  nextDueDate: '2027-11-01',
  nextDueMonthLabel: '2027年11月',
  nextDueDeadlineLabel: '2027年11月30日',
  lastResult: { result: 'passed', resultLabel: '认证通过', certifiedAt: '2026-11-27T03:00:00.000Z' },
  shareActiveUntil: '2026-12-04T03:00:00.000Z',
})

export const list = (relatives: RelativeView[], max = 8): RelativesView => ({ relatives, max })

export const shareCreated: ShareCreatedView = {
  token: TOKEN,
  path: `/packages/certify/index?share=${TOKEN}`,
  title: '李*国的养老资格认证',
  expiresAt: '2026-12-04T02:00:00.000Z',
}

export const shareOpened: ShareOpenedView = {
  maskedName: '张*华',
  title: '张*华的养老资格认证',
  senderLabel: '您的子女',
  fromText: '来自您的子女',
  expiresAt: '2026-12-04T02:00:00.000Z',
  nextDueMonthLabel: '2026年11月',
  nextDueDeadlineLabel: '2026年11月30日',
  statusLabel: '待认证',
}

export const noticeResolved: NoticeResolvedView = {
  maskedName: '张*兰',
  cycle: 2026,
  nextDueMonthLabel: '2026年8月',
  nextDueDeadlineLabel: '2026年8月31日',
  statusLabel: '已逾期，暂停发放',
  agency: { name: '南京市玄武区社会保险管理中心', hotline: '12333' },
}

export const queried: StatusQueryView = {
  bound: true,
  person: { maskedName: '李*国', maskedIdNumber: '430***********0315', insuranceType: 'institution', insuranceLabel: '机关事业单位养老保险' },
  status: 'due',
  statusLabel: '待认证',
  nextDueDate: '2026-11-01',
  nextDueMonthLabel: '2026年11月',
  nextDueDeadlineLabel: '2026年11月30日',
}

export const setClipboardData = jest.fn(async (_o: { data: string }) => ({ errMsg: 'setClipboardData:ok' }))

/** Fresh mocks; `params` are the page's router params; `platform` the build. */
export function setup(params: Record<string, string> = {}, platform: 'weapp' | 'h5' = 'weapp'): void {
  resetTaroMock()
  resetCloudForTests()
  installTaroExtra(params)
  hooks.useShareAppMessage.mockReset()
  hooks.useDidShow.mockReset()
  setClipboardData.mockReset()
  setClipboardData.mockImplementation(async () => ({ errMsg: 'setClipboardData:ok' }))
  Object.assign(Taro as unknown as Record<string, unknown>, { setClipboardData })
  // useFakeCloud sets weapp; h5 pages still call through the same fake (the transport is mocked below).
  process.env.TARO_ENV = platform
}

/**
 * H5: answers the gateway (POST /auth/local-login, POST /fn/<name>) from per-name handlers, so the
 * pages run the real H5 transport. Returns the mock to inspect the calls.
 */
export function useFakeGateway(handlers: Partial<Record<string, (event: Record<string, unknown>) => unknown>>): jest.Mock {
  process.env.TARO_ENV = 'h5'
  const request = (Taro as unknown as { request: jest.Mock }).request
  request.mockImplementation(async ({ url, data }: { url: string; data: Record<string, unknown> }) => {
    if (url.endsWith('/auth/local-login')) return { statusCode: 200, data: { token: 'local-token' } }
    const name = decodeURIComponent(url.slice(url.lastIndexOf('/fn/') + 4))
    const h = handlers[name]
    if (!h) return { statusCode: 404, data: { ok: false, error: { code: 'NOT_FOUND', message: 'x' } } }
    return { statusCode: 200, data: await h(data) }
  })
  return request
}

/** No 17-digit-plus-check ID number and no full demo name anywhere in a string. */
export const ID_NUMBER = /\d{17}[\dXx]/

export { flush } from '../support/interact'
