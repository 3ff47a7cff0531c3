jest.mock('@tarojs/taro', () => require('../support/taro-mock'))
jest.mock('@tarojs/components', () => require('../support/components-mock'))

import { fireEvent, render, screen, waitFor } from '@testing-library/react'
import type { InboxMessageView } from '@/core/contracts/reminders'
import OutboxPage, { beijingTime, maskRecipient } from '@/packages/dev/outbox/index'
import { resetCloudForTests } from '@/services/transport/cloud'
import { err, ok, useFakeCloud } from '../support/fake-cloud'
import { resetTaroMock } from '../support/taro-mock'

const older: InboxMessageView = {
  id: 'm1',
  touser: 'local:acct_0001_wangxiuying',
  mine: true,
  templateId: 'local-cert-due',
  template: 'certDue',
  title: '认证到期提醒',
  page: 'pages/index/index',
  data: {
    name1: { value: '王某英' },
    date2: { value: '2026年11月30日' },
    phrase3: { value: '即将到期' },
    thing4: { value: '请于11月30日前完成刷脸认证' },
    character_string5: { value: '2026-11' },
  },
  miniprogramState: 'developer',
  lang: 'zh_CN',
  receivedAt: '2026-11-23T01:00:00.000Z',
}
const newer: InboxMessageView = {
  ...older,
  id: 'm2',
  touser: 'local:demo_family_reminders',
  mine: false,
  templateId: 'local-relative-certified',
  template: 'relativeCertified',
  title: '家人认证完成通知',
  data: { name1: { value: '刘某福' }, phrase2: { value: '认证完成' }, time3: { value: '2026年11月27日 10:05' }, thing4: { value: '下次请在2027年11月30日前认证' } },
  receivedAt: '2026-11-27T02:05:00.000Z',
}

beforeEach(() => {
  resetTaroMock()
  resetCloudForTests()
})

describe('消息发件箱 (developer only)', () => {
  test('lists each message newest first: masked recipient, template, data fields, page, time', async () => {
    const fn = useFakeCloud({ listInbox: () => ok({ messages: [older, newer] }) })
    render(<OutboxPage />)
    const list = await screen.findByTestId('outbox-list')
    expect(fn).toHaveBeenCalledWith({ name: 'listInbox', data: { limit: 100 } })
    expect(list.getAttribute('data-count')).toBe('2')
    const msgs = screen.getAllByTestId('outbox-message')
    expect(msgs.map((m) => m.getAttribute('data-id'))).toEqual(['m2', 'm1'])
    expect(msgs[0].textContent).toContain('家人认证完成通知')
    expect(msgs[0].textContent).toContain('刘某福')
    const first = msgs[1]
    expect(first.textContent).toContain('认证到期提醒')
    expect(first.textContent).toContain('name1：王某英')
    expect(first.textContent).toContain('thing4：请于11月30日前完成刷脸认证')
    expect(first.textContent).toContain('pages/index/index')
    expect(first.textContent).toContain('2026-11-23 09:00:00')
    expect(first.textContent).toContain('（本机账号）')
    // The full openid is never shown.
    expect(document.body.textContent).not.toContain('local:acct_0001_wangxiuying')
    expect(screen.getAllByTestId('outbox-recipient')[1].textContent).toContain(maskRecipient(older.touser))
  })

  test('刷新 reads again', async () => {
    let n = 0
    const fn = useFakeCloud({ listInbox: () => ok({ messages: n++ === 0 ? [] : [newer] }) })
    render(<OutboxPage />)
    expect(await screen.findByTestId('outbox-empty')).toBeTruthy()
    fireEvent.click(screen.getByTestId('outbox-refresh'))
    await waitFor(() => expect(screen.getAllByTestId('outbox-message')).toHaveLength(1))
    expect(fn).toHaveBeenCalledTimes(2)
  })

  test('refused in production → the error in words', async () => {
    useFakeCloud({ listInbox: () => err('FORBIDDEN_IN_PRODUCTION') })
    render(<OutboxPage />)
    const banner = await screen.findByTestId('error-banner')
    expect(banner.getAttribute('data-code')).toBe('FORBIDDEN_IN_PRODUCTION')
  })

  test('helpers: masking and Beijing time', () => {
    expect(maskRecipient('oAbcdefghijklmnopXYZ1')).toBe('oAbc***XYZ1')
    expect(maskRecipient('abc')).toBe('a***')
    expect(beijingTime('2026-11-27T16:30:00.000Z')).toBe('2026-11-28 00:30:00')
  })
})

describe('registration', () => {
  test('outbox/index is in the packages/dev subpackage, linked from no product page', () => {
    const fs = jest.requireActual('node:fs') as typeof import('node:fs')
    const path = jest.requireActual('node:path') as typeof import('node:path')
    const root = path.resolve(__dirname, '../../..')
    const app = fs.readFileSync(path.join(root, 'src/app.config.ts'), 'utf8')
    expect(app).toMatch(/root: 'packages\/dev', pages: \[[^\]]*'outbox\/index'/)
    const walk = (dir: string): string[] =>
      fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : [path.join(dir, e.name)]))
    const linking = walk(path.join(root, 'src'))
      .filter((f) => /\.(tsx?|jsx?)$/.test(f) && !f.includes(`${path.sep}dev${path.sep}`) && !f.endsWith('app.config.ts'))
      .filter((f) => fs.readFileSync(f, 'utf8').includes('dev/outbox'))
    expect(linking).toEqual([])
  })
})
