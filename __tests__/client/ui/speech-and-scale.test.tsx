jest.mock('@tarojs/taro', () => require('../support/taro-mock'))
jest.mock('@tarojs/components', () => require('../support/components-mock'))

import { fireEvent, render, screen } from '@testing-library/react'
import Taro from '@tarojs/taro'
import { PageShell } from '@/components/PageShell'
import { speak, speechAvailable } from '@/services/speech'
import { clampScale, fontScale, todayInChina } from '@/services/system'
import { formatChinaDate } from '@/core/dates'
import { resetTaroMock } from '../support/taro-mock'

const getAppBaseInfo = Taro.getAppBaseInfo as unknown as jest.Mock

class FakeUtterance {
  lang = ''
  rate = 1
  voice: unknown
  constructor(public text: string) {}
}

beforeEach(() => {
  resetTaroMock()
})

afterEach(() => {
  delete (window as unknown as Record<string, unknown>).speechSynthesis
  delete (window as unknown as Record<string, unknown>).SpeechSynthesisUtterance
})

describe('speak()', () => {
  test('H5: speechSynthesis in zh-CN, slowed down', () => {
    process.env.TARO_ENV = 'h5'
    const synth = { speak: jest.fn(), cancel: jest.fn(), getVoices: () => [{ lang: 'en-US' }, { lang: 'zh-CN' }] }
    Object.assign(window, { speechSynthesis: synth, SpeechSynthesisUtterance: FakeUtterance })
    expect(speechAvailable()).toBe(true)
    expect(speak('请眨眨眼')).toEqual({ spoken: true })
    const u = synth.speak.mock.calls[0][0] as FakeUtterance
    expect(u.text).toBe('请眨眨眼')
    expect(u.lang).toBe('zh-CN')
    expect(u.rate).toBeLessThan(1)
    expect(synth.cancel).toHaveBeenCalled()
  })

  test('H5 without speechSynthesis: a no-op that says it did not speak', () => {
    process.env.TARO_ENV = 'h5'
    expect(speak('你好')).toEqual({ spoken: false })
  })

  test('weapp: the documented no-op adapter (WechatSI later)', () => {
    process.env.TARO_ENV = 'weapp'
    expect(speechAvailable()).toBe(false)
    expect(speak('你好')).toEqual({ spoken: false })
  })

  test('the 朗读 button reads the page text, and says so when it cannot', () => {
    process.env.TARO_ENV = 'weapp'
    render(
      <PageShell title='标题' speech='这是页面的主要内容'>
        <span>child</span>
      </PageShell>,
    )
    fireEvent.click(screen.getByText('▶ 朗读'))
    expect(screen.getByText('本机暂不支持朗读，请看屏幕上的文字')).toBeTruthy()
  })
})

describe('font scale', () => {
  test('follows WeChat fontSizeScaleFactor, never below 1, capped at 2', () => {
    process.env.TARO_ENV = 'weapp'
    getAppBaseInfo.mockReturnValue({ fontSizeScaleFactor: 1.4 })
    expect(fontScale()).toBe(1.4)
    getAppBaseInfo.mockReturnValue({ fontSizeScaleFactor: 0.8 })
    expect(fontScale()).toBe(1)
    getAppBaseInfo.mockReturnValue({ fontSizeScaleFactor: 3.5 })
    expect(fontScale()).toBe(2)
    getAppBaseInfo.mockReturnValue({ fontSizeSetting: 23.8 })
    expect(fontScale()).toBe(1.4)
    getAppBaseInfo.mockImplementation(() => {
      throw new Error('not supported')
    })
    expect(fontScale()).toBe(1)
    expect(clampScale(Number.NaN)).toBe(1)
  })

  test('H5 leaves scaling to the browser', () => {
    process.env.TARO_ENV = 'h5'
    getAppBaseInfo.mockReturnValue({ fontSizeScaleFactor: 1.4 })
    expect(fontScale()).toBe(1)
  })

  test('PageShell puts the scale into the root CSS variable --yl-scale', () => {
    process.env.TARO_ENV = 'weapp'
    getAppBaseInfo.mockReturnValue({ fontSizeScaleFactor: 1.3 })
    const { container } = render(
      <PageShell title='t' speech='s'>
        <span />
      </PageShell>,
    )
    const root = container.querySelector('.yl-page') as HTMLElement
    expect(root.style.getPropertyValue('--yl-scale')).toBe('1.3')
  })
})

describe('dates', () => {
  test('China time', () => {
    expect(todayInChina(new Date('2026-12-31T17:00:00Z'))).toBe('2027-01-01')
    expect(formatChinaDate('2026-03-05T17:30:00Z')).toBe('2026年3月6日')
    expect(formatChinaDate('2025-03-02')).toBe('2025年3月2日')
  })
})
