jest.mock('@tarojs/taro', () => require('../support/taro-mock'))
jest.mock('@tarojs/components', () => require('../support/components-mock'))

import { act, fireEvent, render, screen } from '@testing-library/react'
import Taro from '@tarojs/taro'
import CertifyNoticePage from '@/packages/certify/index'
import { flush } from './support'
import { extra, installTaroExtra } from './taro-extra'
import { resetTaroMock } from '../support/taro-mock'

beforeEach(() => {
  resetTaroMock()
  installTaroExtra()
  process.env.TARO_ENV = 'weapp'
})

describe('认证须知', () => {
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

  test('H5: the browser asks when the camera opens; blocked → browser instructions', async () => {
    process.env.TARO_ENV = 'h5'
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
    } finally {
      Object.defineProperty(navigator, 'permissions', { configurable: true, value: saved })
    }
  })
})
