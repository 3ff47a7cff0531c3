/** 静默认证 (data comparison): 首页 and a relative's entry say so, written and spoken, so nobody certifies twice. */
jest.mock('@tarojs/taro', () => require('./taro-with-hooks'))
jest.mock('@tarojs/components', () => require('../support/components-mock'))

import { render, screen, within } from '@testing-library/react'
import FamilyPage from '@/packages/family'
import { listSpeech } from '@/packages/family/texts'
import HomePage from '@/pages/index/index'
import { homeSpeech } from '@/pages/index/home-text'
import { ok, useFakeCloud } from '../support/fake-cloud'
import { statusCertified } from '../support/fixtures'
import { list, setup, spouseCertified } from './support'

beforeEach(() => setup())

const silentStatus = {
  ...statusCertified,
  lastResult: { result: 'passed' as const, resultLabel: '认证通过', certifiedAt: '2026-11-27T02:00:00.000Z' },
  silentCertifiedOn: '2026-11-27',
}

test('首页: 您已通过静默认证（数据比对），本期无需刷脸 with the date, shown and spoken; no big 开始认证', async () => {
  useFakeCloud({ getStatus: () => ok(silentStatus) })
  render(<HomePage />)
  const card = await screen.findByTestId('status-card')
  expect(within(card).getByTestId('status-silent').textContent).toBe('您已通过静默认证（数据比对），本期无需刷脸。认证日期：2026年11月27日')
  expect(within(card).getByTestId('status-label').textContent).toBe('已认证')
  expect(screen.queryByTestId('start-certify')).toBeNull()
  expect(homeSpeech({ phase: 'ready', status: silentStatus })).toContain('您已通过静默认证（数据比对），本期无需刷脸。认证日期：2026年11月27日。')
})

test('首页 without a silent pass says nothing about it', async () => {
  useFakeCloud({ getStatus: () => ok(statusCertified) })
  render(<HomePage />)
  const card = await screen.findByTestId('status-card')
  expect(within(card).queryByTestId('status-silent')).toBeNull()
  expect(homeSpeech({ phase: 'ready', status: statusCertified })).not.toContain('静默认证')
})

test("a relative's entry says the same for that person, shown and spoken", async () => {
  const silent = { ...spouseCertified, silentCertifiedOn: '2026-11-27' }
  useFakeCloud({ listRelatives: () => ok(list([silent])) })
  render(<FamilyPage />)
  const item = await screen.findByTestId('relative')
  expect(item.textContent).toContain('王*英已通过静默认证（数据比对），本期无需刷脸。认证日期：2026年11月27日')
  expect(listSpeech([silent], 8)).toContain('已通过静默认证（数据比对），本期无需刷脸。认证日期：2026年11月27日')
  expect(listSpeech([spouseCertified], 8)).not.toContain('静默认证')
})
