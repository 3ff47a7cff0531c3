/**
 * The certification entry (认证须知) as the landing of share cards (?share=<token>), printed-notice
 * codes (?scene=n%3D<code>) and 帮TA认证 (?relative=<id>): who it is for, or why not and what to do.
 */
jest.mock('@tarojs/taro', () => require('./taro-with-hooks'))
jest.mock('@tarojs/components', () => require('../support/components-mock'))
jest.mock('@/services/speech', () => ({ ...jest.requireActual('@/services/speech'), speak: jest.fn(() => ({ spoken: true })) }))

import { act, fireEvent, render, screen } from '@testing-library/react'
import Taro from '@tarojs/taro'
import CertifyNoticePage from '@/packages/certify/index'
import * as speech from '@/services/speech'
import { ERROR_MESSAGES, type ErrorCode } from '@/core/errors'
import { ROUTES } from '@/services/navigation'
import { ok, useFakeCloud } from '../support/fake-cloud'
import { father, flush, list, NOTICE_CODE, noticeResolved, REL_FATHER, setup, shareOpened, TOKEN } from './support'

const refuse = (code: ErrorCode) => () => ({ ok: false, error: { code, message: ERROR_MESSAGES[code] } })

async function start() {
  await act(async () => {
    fireEvent.click(screen.getByTestId('start'))
    await flush()
  })
}

describe('share card landing', () => {
  test('「张*华的养老资格认证 / 来自您的子女」, one big 开始认证 into the camera with the token only', async () => {
    setup({ share: TOKEN })
    const open = jest.fn(() => ok(shareOpened))
    useFakeCloud({ openShare: open })
    render(<CertifyNoticePage />)
    expect(screen.getByTestId('landing-loading').textContent).toContain('正在核对')
    const greeting = await screen.findByTestId('greeting')
    expect(open).toHaveBeenCalledWith({ token: TOKEN })
    expect(greeting.textContent).toContain('张*华的养老资格认证')
    expect(greeting.textContent).toContain('来自您的子女')
    // The details follow the button: the deadline as a day.
    expect(screen.getByTestId('greeting-details').textContent).toContain('请在2026年11月30日前完成认证')
    // The usual 须知 follows; the person holds the phone themselves (前置).
    expect(screen.getByTestId('notice-why')).toBeTruthy()
    expect(screen.getByTestId('choice-facing-front').getAttribute('data-selected')).toBe('true')
    // 开始认证 on the first screen, and again after the explanations (no scrolling back up).
    expect(screen.getAllByText('开始认证')).toHaveLength(2)
    expect(screen.getByTestId('start').className).toContain('yl-btn--main')
    await start()
    expect(Taro.navigateTo).toHaveBeenCalledWith({ url: `${ROUTES.certifyCamera}?facing=front&share=${encodeURIComponent(TOKEN)}` })
  })

  test.each([
    ['SHARE_INVALID', '这个分享链接不能使用', '重新发送'],
    ['SHARE_EXPIRED', '这个分享链接已过期', '重新发送'],
    ['SHARE_REVOKED', '这个分享链接已撤回', '重新发送'],
    ['SHARE_USED', '已经完成认证，无需再次认证', '无需再次认证'],
  ] as const)('%s → a clear message, no 开始认证, a way forward', async (code, title, words) => {
    setup({ share: TOKEN })
    useFakeCloud({ openShare: refuse(code) })
    render(<CertifyNoticePage />)
    const box = await screen.findByTestId('landing-refused')
    expect(box.getAttribute('data-code')).toBe(code)
    expect(box.textContent).toContain(title)
    expect(box.textContent).toContain(words)
    expect(screen.queryByTestId('start')).toBeNull()
    if (code !== 'SHARE_USED') expect(box.textContent).toContain('联系发给您的家人')
    fireEvent.click(screen.getByTestId('home'))
    expect(Taro.reLaunch).toHaveBeenCalledWith({ url: ROUTES.home })
  })

  test('a malformed token is refused on the spot (SHARE_INVALID), without asking the backend', async () => {
    setup({ share: 'not-a-token' })
    const open = jest.fn()
    useFakeCloud({ openShare: open })
    render(<CertifyNoticePage />)
    expect((await screen.findByTestId('landing-refused')).getAttribute('data-code')).toBe('SHARE_INVALID')
    expect(open).not.toHaveBeenCalled()
  })

  test('network trouble is not a refusal: the message with 重试, which works', async () => {
    setup({ share: TOKEN })
    let up = false
    useFakeCloud({
      openShare: () => {
        if (!up) throw new Error('down')
        return ok(shareOpened)
      },
    })
    render(<CertifyNoticePage />)
    expect((await screen.findByTestId('landing-error')).textContent).toContain('服务暂时不可用')
    up = true
    await act(async () => {
      fireEvent.click(screen.getByTestId('retry'))
      await flush()
    })
    await screen.findByTestId('greeting')
  })
})

describe('printed notice landing', () => {
  test.each([
    ['weapp: decodeURIComponent(options.scene) already done by the router', `n=${NOTICE_CODE}`],
    ['H5 link: still encoded', `n%3D${NOTICE_CODE}`],
  ])('%s → resolveNotice {code} → the masked name and the cycle; camera gets notice=<code>', async (_label, scene) => {
    setup({ scene })
    const resolve = jest.fn(() => ok(noticeResolved))
    useFakeCloud({ resolveNotice: resolve })
    render(<CertifyNoticePage />)
    const greeting = await screen.findByTestId('greeting')
    expect(resolve).toHaveBeenCalledWith({ code: NOTICE_CODE })
    expect(greeting.textContent).toContain('张*兰的养老资格认证')
    expect(greeting.textContent).toContain('2026年度认证通知单')
    // at 特大 it wraps after 年度, not inside 通知单
    expect(Array.from(greeting.querySelectorAll('.yl-phrases__one')).map((e) => e.textContent)).toEqual(['2026年度', '认证通知单'])
    expect(screen.getByTestId('greeting-details').textContent).toContain('已逾期，暂停发放')
    // a passed deadline is not put as 请在…前 (it would read as a mistake)
    expect(screen.getByTestId('greeting-details').textContent).toContain('认证期限是2026年8月31日，已经过了，请尽快认证')
    // How to tell it is genuine: the agency the server found, in the scam notice.
    expect(screen.getByTestId('scam-notice-agency').textContent).toContain('南京市玄武区社会保险管理中心')
    await start()
    expect(Taro.navigateTo).toHaveBeenCalledWith({ url: `${ROUTES.certifyCamera}?facing=front&notice=${NOTICE_CODE}` })
  })

  test('a pension the agency suspended before the deadline: 暂停发放 with the deadline that still stands, never 已经过了', async () => {
    setup({ scene: `n=${NOTICE_CODE}` })
    useFakeCloud({ resolveNotice: () => ok({ ...noticeResolved, statusLabel: '暂停发放', nextDueDeadlineLabel: '2027年6月30日' }) })
    render(<CertifyNoticePage />)
    await screen.findByTestId('greeting')
    const details = screen.getByTestId('greeting-details').textContent
    expect(details).toContain('养老金已暂停发放，请在2027年6月30日前完成认证，认证后次月恢复发放')
    expect(details).toContain('认证状态：暂停发放')
    expect(details).not.toContain('已经过了')
  })

  test('NOTICE_ALREADY_CERTIFIED → said calmly (✓) with the day, written and spoken, no camera', async () => {
    setup({ scene: `n=${NOTICE_CODE}` })
    // The wire's text is never shown: the client composes its own sentence from the checked day.
    useFakeCloud({ resolveNotice: () => ({ ok: false, error: { code: 'NOTICE_ALREADY_CERTIFIED', message: 'wire text', detail: { passedOn: '2026-03-15' } } }) })
    render(<CertifyNoticePage />)
    const box = await screen.findByTestId('landing-refused')
    expect(box.textContent).toContain('本年度已经完成认证')
    expect(screen.getByTestId('landing-message').textContent).toBe('本年度已于2026年3月15日完成认证，无需再次认证')
    expect(box.textContent).not.toContain('wire text')
    expect(box.textContent).toContain('✓')
    expect(screen.queryByTestId('start')).toBeNull()
    // 朗读 reads the same dated sentence
    ;(speech.speak as jest.Mock).mockClear()
    fireEvent.click(screen.getByTestId('speak'))
    expect((speech.speak as jest.Mock).mock.calls.map((c) => String(c[0])).join('')).toContain('本年度已于2026年3月15日完成认证，无需再次认证')
  })

  test('NOTICE_ALREADY_CERTIFIED whose day is missing or not a real date → the plain sentence, no date', async () => {
    setup({ scene: `n=${NOTICE_CODE}` })
    useFakeCloud({ resolveNotice: () => ({ ok: false, error: { code: 'NOTICE_ALREADY_CERTIFIED', message: 'x', detail: { passedOn: '2026-02-30' } } }) })
    render(<CertifyNoticePage />)
    await screen.findByTestId('landing-refused')
    expect(screen.getByTestId('landing-message').textContent).toBe('本年度已经完成认证，无需再次认证')
  })

  test.each([['NOTICE_INVALID from the backend', `n=${NOTICE_CODE}`, true], ['a tampered scene, refused on the spot', 'n=abc%', false]] as const)(
    '%s → 无法识别这个认证码, with the hotline hint and 返回首页',
    async (_label, scene, asked) => {
      setup({ scene })
      const resolve = jest.fn(refuse('NOTICE_INVALID'))
      useFakeCloud({ resolveNotice: resolve })
      render(<CertifyNoticePage />)
      const box = await screen.findByTestId('landing-refused')
      expect(box.getAttribute('data-code')).toBe('NOTICE_INVALID')
      expect(box.textContent).toContain('无法识别这个认证码')
      expect(box.textContent).toContain('咨询电话')
      expect(resolve).toHaveBeenCalledTimes(asked ? 1 : 0)
      expect(screen.getByTestId('home')).toBeTruthy()
    },
  )
})

describe('帮TA认证 landing', () => {
  test('says whose certification and that the helper holds the phone; 后置 by default; camera gets relative=<id>', async () => {
    setup({ relative: REL_FATHER })
    useFakeCloud({ listRelatives: () => ok(list([father])) })
    render(<CertifyNoticePage />)
    const greeting = await screen.findByTestId('greeting')
    expect(greeting.textContent).toContain('李*国的养老资格认证')
    expect(greeting.textContent).toContain('由您帮父亲认证')
    expect(document.body.textContent).not.toContain('代他人认证')
    // spoken to the helper: the camera must see the relative's face, and the helper films
    expect(screen.getByTestId('camera-why').textContent).toContain('看到您家人的脸')
    expect(screen.getByTestId('choice-facing-back').textContent).toContain('我帮家人拿手机')
    expect(screen.getByTestId('choice-facing-back').getAttribute('data-selected')).toBe('true')
    await start()
    expect(Taro.navigateTo).toHaveBeenCalledWith({ url: `${ROUTES.certifyCamera}?facing=back&relative=${REL_FATHER}` })
  })

  test('a relative no longer in the list → RELATIVE_NOT_FOUND with 返回家人列表', async () => {
    setup({ relative: REL_FATHER })
    useFakeCloud({ listRelatives: () => ok(list([])) })
    render(<CertifyNoticePage />)
    const box = await screen.findByTestId('landing-refused')
    expect(box.getAttribute('data-code')).toBe('RELATIVE_NOT_FOUND')
    fireEvent.click(screen.getByTestId('go-family'))
    expect(Taro.navigateTo).toHaveBeenCalledWith({ url: ROUTES.family })
  })
})

describe('without a subject', () => {
  test('the 本人 flow is unchanged: no request, no greeting, camera with facing only', async () => {
    setup({})
    const calls = useFakeCloud({})
    render(<CertifyNoticePage />)
    expect(screen.queryByTestId('greeting')).toBeNull()
    expect(screen.queryByTestId('landing-loading')).toBeNull()
    await start()
    expect(calls).not.toHaveBeenCalled()
    expect(Taro.navigateTo).toHaveBeenCalledWith({ url: `${ROUTES.certifyCamera}?facing=front` })
  })
})
