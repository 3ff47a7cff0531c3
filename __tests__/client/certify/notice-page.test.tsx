jest.mock('@tarojs/taro', () => require('../support/taro-mock'))
jest.mock('@tarojs/components', () => require('../support/components-mock'))

import { act, fireEvent, render, screen } from '@testing-library/react'
import Taro from '@tarojs/taro'
import CertifyNoticePage from '@/packages/certify/index'
import { DENIED_SPOKEN_WEAPP } from '@/packages/certify/flow/texts'
import { PROMPT_AUDIO } from '@/packages/certify/audio/manifest'
import { registerPromptAudio, resetSpeechForTests } from '@/services/speech'
import { flush, recordSpeech } from './support'
import { extra, installTaroExtra } from './taro-extra'
import { resetTaroMock } from '../support/taro-mock'

/** The utterances the speech layer started (interface (b)). */
const log = recordSpeech()

beforeEach(() => {
  resetTaroMock()
  resetSpeechForTests()
  installTaroExtra()
  process.env.TARO_ENV = 'weapp'
})


/** a comes before b in the page. */
function before(a: string, b: string): boolean {
  return (screen.getByTestId(a).compareDocumentPosition(screen.getByTestId(b)) & Node.DOCUMENT_POSITION_FOLLOWING) !== 0
}

function withVoice() {
  Object.assign(window, { speechSynthesis: { cancel: jest.fn(), speak: jest.fn(), getVoices: () => [] }, SpeechSynthesisUtterance: class { constructor(readonly text: string) {} } })
}

describe('认证须知', () => {
  test('开始认证 comes first; the explanations, 谨防诈骗 and 谁拿手机 follow below it, with a line saying so', () => {
    render(<CertifyNoticePage />)
    for (const below of ['scroll-hint', 'scam-notice', 'notice-why', 'notice-how', 'facing', 'camera-why']) expect({ below, ok: before('start', below) }).toEqual({ below, ok: true })
    expect(screen.getByTestId('scroll-hint').textContent).toContain('下面有认证说明，可以往下看')
    // at 特大 it wraps between its phrases, not inside 说明
    expect(Array.from(screen.getByTestId('scroll-hint').querySelectorAll('.yl-phrases__one')).map((e) => e.textContent)).toEqual(['↓ 下面有', '认证说明，', '可以往下看。'])
    expect(screen.getByTestId('scam-notice').textContent).toContain('社保部门的工作人员不会向您要银行卡号、密码或短信验证码')
    // …and once more at the end, so a changed 谁拿手机 needs no scrolling back up
    expect(before('facing', 'start-bottom')).toBe(true)
  })

  test('朗读 reads the page in the order shown, the scam notice included', () => {
    process.env.TARO_ENV = 'h5'
    withVoice()
    render(<CertifyNoticePage />)
    fireEvent.click(screen.getByTestId('speak'))
    const said = log.at(-1) ?? ''
    const order = ['下面有认证说明', '认证是免费的', '社保部门的工作人员不会向您要银行卡号', '为什么要认证', '怎样认证', '认证要用摄像头看到您本人的脸'].map((t) => said.indexOf(t))
    expect(order.every((i) => i >= 0)).toBe(true)
    expect([...order].sort((a, b) => a - b)).toEqual(order)
  })

  test('why, how, and who holds the phone (前置 by default)', () => {
    render(<CertifyNoticePage />)
    const why = screen.getByTestId('notice-why').textContent ?? ''
    for (const t of ['每年', '认证一次', '暂停发放', '次月恢复发放', '补发']) expect(why).toContain(t)
    const how = screen.getByTestId('notice-how').textContent ?? ''
    for (const t of ['光线充足', '简单的背景', '框内', '其他人员请不要进入画面']) expect(how).toContain(t)
    expect(screen.getByTestId('choice-facing-front').getAttribute('data-selected')).toBe('true')
    expect(screen.getByTestId('choice-facing-back').textContent).toContain('家人帮忙拿手机')
    expect(screen.getByTestId('camera-why').textContent).toContain('摄像头')
  })

  test('never asked → authorize(scope.camera) → granted → camera page with the chosen camera', async () => {
    render(<CertifyNoticePage />)
    fireEvent.click(screen.getByTestId('choice-facing-back'))
    await act(async () => {
      fireEvent.click(screen.getByTestId('start'))
      await flush()
    })
    expect(extra.authorize).toHaveBeenCalledWith({ scope: 'scope.camera' })
    expect(Taro.navigateTo).toHaveBeenCalledWith({ url: '/packages/certify/camera?facing=back' })
  })

  test('refused → explains how to allow it; the button (a tap) calls openSetting, then continues', async () => {
    extra.getSetting.mockImplementation(async () => ({ authSetting: { 'scope.camera': false } }))
    render(<CertifyNoticePage />)
    await act(async () => {
      fireEvent.click(screen.getByTestId('start'))
      await flush()
    })
    expect(extra.authorize).not.toHaveBeenCalled()
    const box = screen.getByTestId('permission-denied')
    expect(box.textContent).toContain('需要允许使用摄像头')
    expect(box.textContent).toContain('设置')
    const btn = screen.getByTestId('open-settings')
    expect(btn.textContent).toBe('去打开摄像头权限')
    expect(Taro.navigateTo).not.toHaveBeenCalled()
    await act(async () => {
      fireEvent.click(btn)
      await flush()
    })
    expect(extra.openSetting).toHaveBeenCalledTimes(1)
    expect(Taro.navigateTo).toHaveBeenCalledWith({ url: '/packages/certify/camera?facing=front' })
  })

  test('refused in the dialog → the same explanation and settings button', async () => {
    extra.authorize.mockImplementation(async () => {
      throw new Error('authorize:fail auth deny')
    })
    extra.openSetting.mockImplementation(async () => ({ authSetting: { 'scope.camera': false } }))
    render(<CertifyNoticePage />)
    await act(async () => {
      fireEvent.click(screen.getByTestId('start'))
      await flush()
    })
    expect(screen.getByTestId('open-settings')).toBeTruthy()
    await act(async () => {
      fireEvent.click(screen.getByTestId('open-settings'))
      await flush()
    })
    // still off in settings: stay here
    expect(Taro.navigateTo).not.toHaveBeenCalled()
    expect(screen.getByTestId('permission-denied')).toBeTruthy()
  })

  test('weapp refused: the recorded sentence about the settings button, which is there', async () => {
    registerPromptAudio(PROMPT_AUDIO) // as the page's prompt-audio import does
    extra.getSetting.mockImplementation(async () => ({ authSetting: { 'scope.camera': false } }))
    render(<CertifyNoticePage />)
    await act(async () => {
      fireEvent.click(screen.getByTestId('start'))
      await flush()
    })
    expect(screen.getByTestId('open-settings').textContent).toBe('去打开摄像头权限')
    expect(log).toEqual([DENIED_SPOKEN_WEAPP])
  })

  test('H5: the browser asks when the camera opens; blocked → browser instructions, spoken as shown (no settings button on H5)', async () => {
    process.env.TARO_ENV = 'h5'
    withVoice()
    const nav = navigator as unknown as { permissions?: unknown }
    const saved = nav.permissions
    Object.defineProperty(navigator, 'permissions', { configurable: true, value: { query: async () => ({ state: 'denied' }) } })
    try {
      render(<CertifyNoticePage />)
      await act(async () => {
        fireEvent.click(screen.getByTestId('start'))
        await flush()
      })
      expect(screen.getByTestId('permission-denied').textContent).toContain('地址栏')
      expect(screen.getByTestId('open-settings').textContent).toBe('重新检查')
      const said = log.at(-1) ?? ''
      expect(said).toContain('地址栏左边的小锁')
      expect(said).toContain('重新检查')
      expect(said).not.toContain('在设置里')
      // the box replaces 开始认证 at the top; the bottom points up to it
      expect(screen.queryByTestId('start-bottom')).toBeNull()
      expect(screen.getByTestId('denied-see-top')).toBeTruthy()
    } finally {
      Object.defineProperty(navigator, 'permissions', { configurable: true, value: saved })
    }
  })
})
