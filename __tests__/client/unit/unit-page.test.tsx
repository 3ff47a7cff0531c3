/**
 * 单位认证 (单位专管员): without an appointment the page asks for the invitation code; with one it lists
 * the unit's retirees as the backend ordered them (overdue, due, then certified), masked, the status
 * in words with a glyph and a shape, the deadline as a day, and a big 帮TA认证 that passes only the
 * opaque memberRef on to 认证须知, which greets the member and films with the back camera. 首页 shows the
 * entry with the unit's name.
 */
jest.mock('@tarojs/taro', () => require('../family/taro-with-hooks'))
jest.mock('@tarojs/components', () => require('../support/components-mock'))
jest.mock('@/services/speech', () => ({ ...jest.requireActual('@/services/speech'), speak: jest.fn(() => ({ spoken: true })) }))

import { act, fireEvent, render, screen, within } from '@testing-library/react'
import Taro from '@tarojs/taro'
import CertifyNoticePage from '@/packages/certify/index'
import UnitPage from '@/packages/unit/index'
import { unitSpeech } from '@/packages/unit/texts'
import type { UnitMembersView } from '@/core/contracts/unit-admin'
import { ERROR_MESSAGES } from '@/core/errors'
import { UnitAdminLine } from '@/components/UnitAdminLine'
import * as speech from '@/services/speech'
import { ROUTES } from '@/services/navigation'
import { ok, useFakeCloud } from '../support/fake-cloud'
import { flush, ID_NUMBER, setup } from '../family/support'

const REF_A = 'AAAAAAAAAAAAAAAAAAAAAA'
const REF_B = 'BBBBBBBBBBBBBBBBBBBBBB'
const REF_C = 'CCCCCCCCCCCCCCCCCCCCCC'
const UNIT = '示例纺织厂（虚构）'

const view: UnitMembersView = {
  unitName: UNIT,
  expiresOn: '2027-06-30',
  expiresLabel: '2027年6月30日',
  total: 3,
  members: [
    { memberRef: REF_A, maskedName: '张*兰', maskedIdNumber: '320***********0468', status: 'overdue_suspended', statusLabel: '已逾期，暂停发放', nextDueDeadlineLabel: '2026年8月31日', nextDueMonthLabel: '2026年8月', suspendedSince: '2026-09-01', awaitingReview: false },
    { memberRef: REF_B, maskedName: '刘*福', maskedIdNumber: '110***********0532', status: 'due', statusLabel: '待认证', nextDueDeadlineLabel: '2026年11月30日', nextDueMonthLabel: '2026年11月', awaitingReview: false },
    { memberRef: REF_C, maskedName: '王*英', maskedIdNumber: '110***********0127', status: 'certified', statusLabel: '已认证', nextDueDeadlineLabel: '2027年3月31日', nextDueMonthLabel: '2027年3月', awaitingReview: false },
  ],
}
const appointed = { appointed: true, unitName: UNIT, expiresOn: '2027-06-30', expiresLabel: '2027年6月30日' }

beforeEach(() => setup())

describe('单位认证 page', () => {
  test('lists the unit: who must certify first, masked, status in words with glyph and shape, the deadline as a day', async () => {
    useFakeCloud({ unitAdminStatus: () => ok(appointed), listUnitMembers: () => ok(view) })
    render(<UnitPage />)
    const items = await screen.findAllByTestId('unit-member')
    expect(items.map((i) => within(i).getByTestId('unit-member-name').textContent)).toEqual(['张*兰', '刘*福', '王*英'])
    const [a, b, c] = items
    expect(within(a).getByTestId('unit-member-status').textContent).toBe('已逾期，暂停发放')
    expect(within(a).getByTestId('unit-member-icon').getAttribute('data-shape')).toBe('square')
    expect(a.textContent).toContain('2026年9月起暂停发放。完成认证后次月恢复发放并补发。')
    expect(a.textContent).toContain('320***********0468')
    expect(within(b).getByTestId('unit-member-icon').textContent).toBe('!')
    expect(b.textContent).toContain('请在2026年11月30日前完成认证')
    expect(within(c).getByTestId('unit-member-icon').getAttribute('data-shape')).toBe('circle')
    expect(c.textContent).toContain('下次请在2027年3月31日前认证')
    // the ones who must act get the main-size button; the certified one a normal one
    expect(within(a).getByTestId('unit-certify').className).toContain('yl-btn--main')
    expect(within(c).getByTestId('unit-certify').className).not.toContain('yl-btn--main')
    const head = screen.getByTestId('unit-head').textContent
    expect(head).toContain(`单位：${UNIT}`)
    expect(head).toContain('任命到 2027年6月30日')
    expect(head).toContain('共 3 位退休人员，其中 2 位需要认证')
    expect(document.body.textContent).not.toMatch(ID_NUMBER)
    // spoken: the head and each one who must certify
    const said = unitSpeech(view)
    expect(said).toContain('其中 2 位需要认证')
    expect(said).toContain('张*兰，已逾期，暂停发放')
    expect(said).toContain('刘*福，待认证，请在2026年11月30日前完成认证')
    expect(said).not.toContain('王*英')
  })

  test('a member whose try waits for 人工审核: told to wait, the deadline as a plain day, not counted as needing help, a normal-size button', async () => {
    const waiting = { ...view, members: view.members.map((m) => (m.memberRef === REF_B ? { ...m, awaitingReview: true } : m)) }
    useFakeCloud({ unitAdminStatus: () => ok(appointed), listUnitMembers: () => ok(waiting) })
    render(<UnitPage />)
    const items = await screen.findAllByTestId('unit-member')
    const b = items[1]
    expect(within(b).getByTestId('unit-member-awaiting').textContent).toBe('最近一次认证正在人工审核，不用再认证，请耐心等待。审核通过的，从认证那天算起。')
    expect(b.textContent).toContain('本期截止日期：2026年11月30日')
    expect(b.textContent).not.toContain('前完成认证')
    expect(within(b).getByTestId('unit-certify').className).not.toContain('yl-btn--main')
    expect(within(items[0]).getByTestId('unit-certify').className).toContain('yl-btn--main')
    expect(screen.getByTestId('unit-head').textContent).toContain('共 3 位退休人员，其中 1 位需要认证，已排在前面，1 位的认证正在人工审核，不用再认证。')
    const said = unitSpeech(waiting)
    expect(said).toContain('刘*福，待认证，本期截止日期：2026年11月30日，最近一次认证正在人工审核')
  })

  test('帮TA认证 → 认证须知 with the opaque memberRef only', async () => {
    useFakeCloud({ unitAdminStatus: () => ok(appointed), listUnitMembers: () => ok(view) })
    render(<UnitPage />)
    const [, b] = await screen.findAllByTestId('unit-member')
    fireEvent.click(within(b).getByTestId('unit-certify'))
    expect(Taro.navigateTo).toHaveBeenLastCalledWith({ url: `${ROUTES.certify}?unit=${REF_B}` })
    for (const [call] of (Taro.navigateTo as jest.Mock).mock.calls) expect(call.url).not.toContain('刘')
  })

  test('no appointment: the invitation code form; a short code is refused on the page, a good one is claimed and the list follows', async () => {
    let claimed = false
    const claim = jest.fn(() => {
      claimed = true
      return ok(appointed)
    })
    useFakeCloud({ unitAdminStatus: () => ok(claimed ? appointed : { appointed: false }), claimUnitInvite: claim, listUnitMembers: () => ok(view) })
    render(<UnitPage />)
    await screen.findByTestId('unit-claim')
    fireEvent.change(screen.getByTestId('input-code'), { target: { value: 'AB3' } })
    await act(async () => {
      fireEvent.click(screen.getByTestId('unit-claim-submit'))
      await flush()
    })
    expect(screen.getByTestId('error-code').textContent).toContain(ERROR_MESSAGES.UNIT_INVITE_INVALID)
    expect(speech.speak).toHaveBeenLastCalledWith(ERROR_MESSAGES.UNIT_INVITE_INVALID)
    expect(claim).not.toHaveBeenCalled()
    fireEvent.change(screen.getByTestId('input-code'), { target: { value: 'ab3d ef7h' } })
    await act(async () => {
      fireEvent.click(screen.getByTestId('unit-claim-submit'))
      await flush()
    })
    expect(claim).toHaveBeenCalledWith({ code: 'ab3d ef7h' })
    expect(await screen.findAllByTestId('unit-member')).toHaveLength(3)
  })

  test('a wrong code: the server’s plain sentence under the field, the form stays', async () => {
    useFakeCloud({
      unitAdminStatus: () => ok({ appointed: false }),
      claimUnitInvite: () => ({ ok: false, error: { code: 'UNIT_INVITE_INVALID', message: ERROR_MESSAGES.UNIT_INVITE_INVALID } }),
    })
    render(<UnitPage />)
    await screen.findByTestId('unit-claim')
    fireEvent.change(screen.getByTestId('input-code'), { target: { value: 'ZZZZZZZZ' } })
    await act(async () => {
      fireEvent.click(screen.getByTestId('unit-claim-submit'))
      await flush()
    })
    expect(screen.getByTestId('error-code').textContent).toContain('邀请码不对')
    expect(speech.speak).toHaveBeenLastCalledWith(ERROR_MESSAGES.UNIT_INVITE_INVALID)
    expect(screen.getByTestId('unit-claim')).toBeTruthy()
  })
})

describe('首页 entry and 认证须知 for a unit member', () => {
  test('首页: the entry names the unit and opens 单位认证; without an appointment it is the code entry', async () => {
    useFakeCloud({ unitAdminStatus: () => ok(appointed) })
    const { unmount } = render(<UnitAdminLine />)
    const entry = await screen.findByTestId('go-unit')
    expect(entry.textContent).toBe(`单位认证（${UNIT}）`)
    fireEvent.click(entry)
    expect(Taro.navigateTo).toHaveBeenLastCalledWith({ url: ROUTES.unit })
    unmount()
    useFakeCloud({ unitAdminStatus: () => ok({ appointed: false }) })
    render(<UnitAdminLine />)
    expect((await screen.findByTestId('go-unit-claim')).textContent).toBe('单位专管员入口')
  })

  test('认证须知 ?unit=<ref>: greets the member (masked), back camera, the camera gets the ref only', async () => {
    setup({ unit: REF_B })
    useFakeCloud({ listUnitMembers: () => ok(view) })
    render(<CertifyNoticePage />)
    const greeting = await screen.findByTestId('greeting')
    expect(greeting.textContent).toContain('刘*福的养老资格认证')
    expect(greeting.textContent).toContain('由单位专管员帮助认证')
    expect(screen.getByTestId('choice-facing-back').getAttribute('data-selected')).toBe('true')
    await act(async () => {
      fireEvent.click(screen.getByTestId('start'))
      await flush()
    })
    expect(Taro.navigateTo).toHaveBeenCalledWith({ url: `${ROUTES.certifyCamera}?facing=back&unit=${REF_B}` })
  })

  test('认证须知 with a ref not in the unit: refused in words, back to the unit list', async () => {
    setup({ unit: 'ZZZZZZZZZZZZZZZZZZZZZZ' })
    useFakeCloud({ listUnitMembers: () => ok(view) })
    render(<CertifyNoticePage />)
    const box = await screen.findByTestId('landing-refused')
    expect(box.getAttribute('data-code')).toBe('UNIT_MEMBER_NOT_FOUND')
    expect(box.textContent).toContain('不在您负责的单位名单里')
    fireEvent.click(screen.getByTestId('go-unit'))
    expect(Taro.navigateTo).toHaveBeenLastCalledWith({ url: ROUTES.unit })
    expect(screen.queryByTestId('start')).toBeNull()
  })
})
