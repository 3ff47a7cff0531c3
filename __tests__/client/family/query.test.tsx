jest.mock('@tarojs/taro', () => require('./taro-with-hooks'))
jest.mock('@tarojs/components', () => require('../support/components-mock'))

import { fireEvent, render, screen, within } from '@testing-library/react'
import { tapAndSettle, typeInto } from '../support/interact'
import QueryPage from '@/packages/query'
import { resultSpeech } from '@/packages/query/texts'
import { ERROR_MESSAGES, type ErrorCode } from '@/core/errors'
import { ok, useFakeCloud } from '../support/fake-cloud'
import { flush, queried, setup } from './support'

beforeEach(() => setup())

const type = typeInto

const submit = () => tapAndSettle('submit')

/** The status card 认证查询 shows for 李建国 when the backend answers `view`. */
async function answerCard(view: typeof queried) {
  useFakeCloud({ queryStatus: () => ok(view) })
  render(<QueryPage />)
  type('name', '李建国')
  type('idNumber', '430102194808050315')
  await submit()
  return within(screen.getByTestId('query-result')).getByTestId('status-card')
}

describe('认证查询', () => {
  test('says what it shows and the limits; nothing sent while a field is wrong', async () => {
    const q = jest.fn(() => ok(queried))
    useFakeCloud({ queryStatus: q })
    render(<QueryPage />)
    expect(screen.getByTestId('query-limits').textContent).toContain('每分钟最多查询 5 次，每天最多查询 20 次')
    type('name', '李建国')
    type('idNumber', '430102194808050316')
    expect(screen.getByTestId('error-idNumber').textContent).toContain('校验位错误')
    await submit()
    expect(q).not.toHaveBeenCalled()
  })

  test('name + ID → the masked status card (words, glyph, the deadline as a day); 再查一位 clears the form', async () => {
    const q = jest.fn(() => ok(queried))
    useFakeCloud({ queryStatus: q })
    render(<QueryPage />)
    type('name', '李建国')
    type('idNumber', '430102194808050315')
    await submit()
    expect(q).toHaveBeenCalledWith({ name: '李建国', idNumber: '430102194808050315' })
    const card = within(screen.getByTestId('query-result')).getByTestId('status-card')
    expect(within(card).getByTestId('status-label').textContent).toBe('待认证')
    expect(within(card).getByTestId('status-name').textContent).toBe('李*国')
    expect(within(card).getByTestId('status-next-due').textContent).toBe('请在2026年11月30日前完成认证')
    expect(document.body.textContent).not.toContain('430102194808050315')
    fireEvent.click(screen.getByTestId('again'))
    expect((screen.getByTestId('input-name') as HTMLInputElement).value).toBe('')
    expect((screen.getByTestId('input-idNumber') as HTMLInputElement).value).toBe('')
  })

  test('a suspended person: the answer says payment is suspended and how it resumes, in writing and in speech', async () => {
    const suspended = { ...queried, status: 'overdue_suspended' as const, statusLabel: '已逾期，暂停发放', nextDueDate: '2026-08-01', nextDueMonthLabel: '2026年8月', nextDueDeadlineLabel: '2026年8月31日', suspendedSince: '2026-09-01' }
    const card = await answerCard(suspended)
    expect(within(card).getByTestId('status-suspended').textContent).toBe('2026年9月起暂停发放')
    expect(within(card).getByTestId('status-advice').textContent).toBe('养老金已暂停发放。完成认证后次月恢复发放并补发。')
    expect(card.textContent).not.toContain('2026年8月')
    expect(resultSpeech(suspended)).toContain('完成认证后次月恢复发放并补发')
    expect(resultSpeech(suspended)).toContain('2026年9月起暂停发放')
  })

  test('a person whose last try waits for 人工审核: the answer says to wait, on the card and in speech', async () => {
    const waiting = { ...queried, lastResult: { result: 'pending_review' as const, resultLabel: '人工审核中', certifiedAt: '2026-11-20T02:00:00.000Z' } }
    const card = await answerCard(waiting)
    expect(within(card).getByTestId('status-advice').textContent).toBe('最近一次认证正在人工审核，不用再认证，请耐心等待。')
    expect(within(card).getByTestId('status-next-due').textContent).toBe('本期截止日期：2026年11月30日')
    const speech = resultSpeech(waiting)
    for (const shown of ['最近一次认证正在人工审核，不用再认证，请耐心等待。', '本期截止日期：2026年11月30日', '审核通过的，从认证那天算起。']) expect(speech).toContain(shown)
    expect(speech).not.toContain('完成认证')
  })

  test.each([
    ['RATE_LIMITED', '每分钟最多查询 5 次'],
    ['PERSON_NOT_FOUND', '核对身份证号'],
    ['DETAILS_MISMATCH', '核对姓名和身份证号'],
  ] as const)('%s → the message and what it means', async (code, help) => {
    useFakeCloud({ queryStatus: () => ({ ok: false, error: { code, message: ERROR_MESSAGES[code as ErrorCode] } }) })
    render(<QueryPage />)
    type('name', '李建国')
    type('idNumber', '430102194808050315')
    await submit()
    const box = screen.getByTestId('query-error')
    expect(box.getAttribute('data-code')).toBe(code)
    expect(box.textContent).toContain(ERROR_MESSAGES[code as ErrorCode])
    // what to do, in the same box as the message
    expect(box.contains(screen.getByTestId('error-help')) && screen.getByTestId('error-help').textContent).toContain(help)
  })
})
