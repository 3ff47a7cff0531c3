jest.mock('@tarojs/taro', () => require('../support/taro-mock'))
jest.mock('@tarojs/components', () => {
  const base = jest.requireActual('../support/components-mock')
  const React = jest.requireActual('react')
  return {
    ...base,
    Camera: (p: Record<string, unknown>) => React.createElement('div', { 'data-testid': 'wx-camera', 'data-position': p.devicePosition, 'data-frame-size': p.frameSize }),
  }
})
jest.mock('@/liveness/create-source', () => ({ createFaceSource: jest.fn() }))
// H5 runs (the browser's voice says every sentence) answered by the same fake cloud as weapp runs.
jest.mock('@/services/transport/http', () => ({
  ...jest.requireActual('@/services/transport/http'),
  callViaHttp: (...a: unknown[]) => jest.requireActual('@/services/transport/cloud').callViaCloud(...a),
}))

import { Profiler } from 'react'
import Taro from '@tarojs/taro'
import { act, fireEvent, render, screen, waitFor } from '@testing-library/react'
import { createFaceSource } from '@/liveness/create-source'
import CameraPage from '@/packages/certify/camera'
import { readResult, clearResultForTests } from '@/packages/certify/flow/result-store'
import { resetSpeechForTests, registerPromptAudio } from '@/services/speech'
import { PROMPT_AUDIO } from '@/packages/certify/audio/manifest'
import { resetCloudForTests } from '@/services/transport/cloud'
import { err, ok, useFakeCloud } from '../support/fake-cloud'
import { resetTaroMock } from '../support/taro-mock'
import { permissionDeniedSteps } from '@/packages/certify/flow/texts'
import { setFontSizeChoice } from '@/services/system'
import { failedResult, flush, loadTrace, passedResult, ReplaySource, session } from './support'
import { audios, extra, installTaroExtra } from './taro-extra'

const mockedCreate = createFaceSource as jest.Mock

let source: ReplaySource

beforeEach(() => {
  resetTaroMock()
  resetCloudForTests()
  resetSpeechForTests()
  registerPromptAudio(PROMPT_AUDIO)
  clearResultForTests()
  installTaroExtra({ facing: 'front' })
  source = new ReplaySource(loadTrace('cap13_edit2'))
  mockedCreate.mockReset()
  mockedCreate.mockImplementation(async () => source)
})

async function opened() {
  await waitFor(() => expect(source.handlers).not.toBeNull())
  await act(async () => flush())
}

describe('camera page', () => {
  test('weapp: <Camera frameSize devicePosition> with the guide box; prompts, illustration and countdown follow the engine', async () => {
    const complete = jest.fn(() => ok(passedResult))
    useFakeCloud({ startCertification: () => ok(session(['blink', 'turn_left'])), completeCertification: complete })
    render(<CameraPage />)
    const cam = await screen.findByTestId('wx-camera')
    expect(cam.getAttribute('data-position')).toBe('front')
    expect(cam.getAttribute('data-frame-size')).toBe('small')
    expect(screen.getByTestId('guide-box')).toBeTruthy()
    await opened()
    expect(mockedCreate).toHaveBeenCalledWith(expect.objectContaining({ facing: 'front' }))

    act(() => void source.play(10)) // 0.4 s: still positioning
    expect(screen.getByTestId('prompt').textContent).toBe('请把脸放进框内，正对屏幕')
    expect(screen.getByTestId('action-illustration').getAttribute('data-action')).toBe('position')

    act(() => void source.play(50)) // past 600 ms: positioned → first action
    expect(screen.getByTestId('prompt').textContent).toBe('请眨眨眼')
    expect(screen.getByTestId('action-illustration').getAttribute('data-action')).toBe('blink')
    expect(screen.getByTestId('progress').textContent).toContain('第 1 个动作，共 2 个')
    expect(screen.getByTestId('countdown')).toBeTruthy()

    act(() => void source.play(80)) // the blink at ~2.6 s → turn left
    expect(screen.getByTestId('prompt').textContent).toBe('请向左转头')
    // front camera = mirrored preview: the person's own left is the screen's left
    expect(screen.getByTestId('action-illustration').getAttribute('data-motion')).toBe('turn-screen-left')
    expect(screen.getByTestId('progress').textContent).toContain('第 2 个动作，共 2 个')

    // spoken from the recorded clips, one after another (the queue's pace: see speech.test.ts and the
    // speech-log test below); the first sentences have no clip on weapp, so the clip of the first
    // prompt is the first thing played
    const played = audios.flatMap((a) => a.played)
    expect(played.every((p) => Object.values(PROMPT_AUDIO).includes(p))).toBe(true)

    await act(async () => {
      source.play()
      await flush(10)
    })
    expect(complete).toHaveBeenCalledTimes(1)
    expect(readResult('rec-1')).toEqual(passedResult)
    expect(extra.redirectTo).toHaveBeenCalledWith({ url: '/packages/certify/result?r=rec-1' })
  })

  test('frames never reach React state: 300 frames cause only a few renders', async () => {
    useFakeCloud({ startCertification: () => ok(session(['blink', 'turn_left'])), completeCertification: () => ok(passedResult) })
    let commits = 0
    render(
      <Profiler id='camera' onRender={() => commits++}>
        <CameraPage />
      </Profiler>,
    )
    await opened()
    const before = commits
    let pushed = 0
    act(() => {
      for (let i = 0; i < 300; i++) pushed += source.play(1)
    })
    expect(pushed).toBe(300)
    expect(screen.getByTestId('prompt').textContent).toBe('请向左转头')
    expect(commits - before).toBeLessThan(12)
  })

  test('back camera (家人帮忙拿手机): devicePosition back, turn_left drawn toward the screen right', async () => {
    installTaroExtra({ facing: 'back' })
    useFakeCloud({ startCertification: () => ok(session(['turn_left'])), completeCertification: () => ok(passedResult) })
    render(<CameraPage />)
    expect((await screen.findByTestId('wx-camera')).getAttribute('data-position')).toBe('back')
    await opened()
    act(() => void source.play(60))
    expect(screen.getByTestId('action-illustration').getAttribute('data-motion')).toBe('turn-screen-right')
  })

  test('failed liveness → result page with the reason', async () => {
    source = new ReplaySource(loadTrace('franck'))
    const complete = jest.fn(() => ok(failedResult(1)))
    useFakeCloud({ startCertification: () => ok(session(['blink', 'turn_left'])), completeCertification: complete })
    render(<CameraPage />)
    await opened()
    await act(async () => {
      source.play()
      await flush(10)
    })
    expect((complete.mock.calls[0] as unknown as [{ verdict: unknown }])[0].verdict).toEqual({ passed: false, reason: 'timeout', missedAction: 'turn_left' })
    expect(extra.redirectTo).toHaveBeenCalledWith({ url: '/packages/certify/result?r=rec-f1' })
  })

  test('network failure while completing → 重试 resends the same payload; no new session', async () => {
    let up = false
    const start = jest.fn(() => ok(session(['blink', 'turn_left'])))
    const complete = jest.fn(() => {
      if (!up) throw new Error('network down')
      return ok(passedResult)
    })
    useFakeCloud({ startCertification: start, completeCertification: complete })
    render(<CameraPage />)
    await opened()
    await act(async () => {
      source.play()
      await flush(10)
    })
    expect((await screen.findByTestId('submit-failed')).textContent).toContain('网络不太好')
    up = true
    await act(async () => {
      fireEvent.click(screen.getByTestId('retry'))
      await flush(10)
    })
    expect(complete).toHaveBeenCalledTimes(2)
    expect(complete.mock.calls[1]).toEqual(complete.mock.calls[0])
    expect(start).toHaveBeenCalledTimes(1)
    expect(extra.redirectTo).toHaveBeenCalledWith({ url: '/packages/certify/result?r=rec-1' })
  })

  test('session expired → 本次认证已超时，请重新开始 with 重新开始 (a new session)', async () => {
    const start = jest.fn(() => ok(session(['blink', 'turn_left'])))
    useFakeCloud({ startCertification: start, completeCertification: () => err('SESSION_EXPIRED') })
    render(<CameraPage />)
    await opened()
    await act(async () => {
      source.play()
      await flush(10)
    })
    expect((await screen.findByTestId('refused')).textContent).toContain('本次认证已超时，请重新开始')
    source = new ReplaySource(loadTrace('cap13_edit2'))
    await act(async () => {
      fireEvent.click(screen.getByTestId('restart'))
      await flush(10)
    })
    expect(start).toHaveBeenCalledTimes(2)
  })

  test('camera refused → how to allow it, and the button (a tap) opens the settings', async () => {
    source = new ReplaySource(loadTrace('cap13_edit2'), { ok: false, failure: 'camera_denied' })
    useFakeCloud({ startCertification: () => ok(session(['blink'])) })
    render(<CameraPage />)
    const box = await screen.findByTestId('camera-denied')
    expect(box.textContent).toContain('需要允许使用摄像头')
    expect(box.textContent).toContain('摄像头')
    source = new ReplaySource(loadTrace('cap13_edit2'))
    await act(async () => {
      fireEvent.click(screen.getByTestId('open-settings'))
      await flush(10)
    })
    expect(extra.openSetting).toHaveBeenCalledTimes(1)
    // allowed in settings → a fresh camera
    expect(mockedCreate).toHaveBeenCalledTimes(2)
  })

  test('VisionKit unsupported → the other ways to certify', async () => {
    source = new ReplaySource(loadTrace('cap13_edit2'), { ok: false, failure: 'tracker_unsupported' })
    useFakeCloud({ startCertification: () => ok(session(['blink'])) })
    render(<CameraPage />)
    const box = await screen.findByTestId('unsupported')
    const text = box.textContent ?? ''
    for (const t of ['这部手机暂时不能刷脸认证', '社区', '经办机构', '上门认证', '家人用他们自己的手机代为认证']) expect(text).toContain(t)
    expect(screen.queryByTestId('wx-camera')).toBeNull()
  })

  test('特大 text leaves the room of a short screen: tight layout, small picture beside or under its caption', async () => {
    useFakeCloud({ startCertification: () => ok(session(['blink', 'turn_left'])), completeCertification: () => ok(passedResult) })
    ;(Taro as unknown as Record<string, unknown>).getWindowInfo = () => ({ windowHeight: 844 })
    render(<CameraPage />)
    await opened()
    act(() => void source.play(60))
    const page = screen.getByTestId('camera-page')
    expect(page.getAttribute('data-density')).toBe('roomy')
    expect(screen.getByTestId('action-illustration').className).not.toContain('yl-illu--compact')
    act(() => setFontSizeChoice('xlarge')) // 844 / 2 = 422 lines' worth: as 200 % zoom
    expect(page.getAttribute('data-density')).toBe('tight')
    expect(page.className).toContain('yl-cam--tight')
    expect(screen.getByTestId('action-illustration').className).toContain('yl-illu--compact')
    act(() => setFontSizeChoice('large'))
    expect(page.getAttribute('data-density')).toBe('compact')
    act(() => setFontSizeChoice('standard'))
    delete (Taro as unknown as Record<string, unknown>).getWindowInfo
  })

  test('not bound → says so and offers 绑定社保卡', async () => {
    useFakeCloud({ startCertification: () => err('NOT_BOUND') })
    render(<CameraPage />)
    expect((await screen.findByTestId('refused')).textContent).toContain('请先绑定本人社保卡')
    expect(screen.getByTestId('go-bind')).toBeTruthy()
  })
})

describe('camera page: every sentence it shows is spoken (the speech log)', () => {
  type Log = { __ylSpeechLog?: string[] }
  beforeEach(() => {
    jest.useFakeTimers()
    process.env.TARO_ENV = 'h5'
    // the browser's voice never reports an end here (as in headless Chromium): the queue's own estimate paces it
    Object.assign(window, {
      speechSynthesis: { speak: jest.fn(), cancel: jest.fn(), getVoices: () => [{ lang: 'zh-CN' }] },
      SpeechSynthesisUtterance: class {
        lang = ''
        rate = 1
        constructor(public text: string) {}
      },
    })
    ;(globalThis as Log).__ylSpeechLog = []
  })
  afterEach(() => {
    jest.useRealTimers()
    process.env.TARO_ENV = 'weapp'
    delete (window as unknown as Record<string, unknown>).speechSynthesis
    delete (window as unknown as Record<string, unknown>).SpeechSynthesisUtterance
    delete (globalThis as Log).__ylSpeechLog
  })

  /** What the panel shows now: prompt, caption, 不着急 line, hint, step, countdown words. */
  function shownTexts(): string[] {
    const panel = screen.queryByTestId('prompt-panel') ?? screen.queryByTestId('submitting')
    if (!panel) return []
    return Array.from(panel.querySelectorAll('span, div'))
      .filter((e) => e.children.length === 0)
      .map((e) => (e.textContent ?? '').replace(/^⚠\s*/, '').trim())
      .filter((t) => t && t !== '再说一遍' && !/^[←→↑↓]$/.test(t))
  }

  test('H5 camera refused: says the browser steps it shows, never the weapp settings button that is not there', async () => {
    source = new ReplaySource(loadTrace('cap13_edit2'), { ok: false, failure: 'camera_denied' })
    useFakeCloud({ startCertification: () => ok(session(['blink'])) })
    process.env.TARO_ENV = 'h5'
    render(<CameraPage />)
    const settle = (ms: number) => act(async () => void (await jest.advanceTimersByTimeAsync(ms)))
    for (let i = 0; i < 20 && !screen.queryByTestId('camera-denied'); i++) await settle(50)
    const shown = screen.getByTestId('camera-denied').textContent ?? ''
    await settle(60000)
    const log = (globalThis as Log).__ylSpeechLog ?? []
    const steps = permissionDeniedSteps('h5')
    for (const t of ['需要允许使用摄像头', ...steps]) {
      expect(shown).toContain(t)
      expect(log).toContain(t)
    }
    expect(log.join('')).not.toContain('去打开摄像头权限')
    expect(log.join('')).not.toContain('请点击下面的按钮，在设置里')
  })

  test('franck (blinks, never turns left): prompts, captions, steps, 不着急，再做一次, the countdown, hints and 请不要退出 all reach the speech log', async () => {
    source = new ReplaySource(loadTrace('franck'))
    // the backend takes a while to answer: 正在核验 and 请不要退出 show meanwhile
    const slowly = () => new Promise((r) => setTimeout(() => r(ok(failedResult(1))), 15000))
    useFakeCloud({ startCertification: () => ok(session(['blink', 'turn_left'])), completeCertification: slowly })
    process.env.TARO_ENV = 'h5' // after the fake cloud, which stands for weapp's
    render(<CameraPage />)
    const settle = (ms: number) => act(async () => void (await jest.advanceTimersByTimeAsync(ms)))
    for (let i = 0; i < 20 && !source.handlers; i++) await settle(50)
    expect(source.handlers).not.toBeNull()
    // Frames at the trace's pace, the page's clock in step; note how long each text stays on the screen.
    const shownMs = new Map<string, number>()
    const frames = source.trace.frames
    const live = () => ['opening', 'positioning', 'action'].includes(screen.getByTestId('camera-page').getAttribute('data-stage') ?? '')
    for (let i = 0; i < frames.length && live(); i += 5) {
      source.play(5)
      const next = frames[Math.min(i + 5, frames.length - 1)].t - frames[i].t
      await settle(Math.max(1, Math.round(next)))
      for (const t of shownTexts()) shownMs.set(t, (shownMs.get(t) ?? 0) + next)
    }
    await settle(3000) // the failed verdict goes out; 正在核验 / 请不要退出 show
    for (const t of shownTexts()) shownMs.set(t, (shownMs.get(t) ?? 0) + 3000)
    await settle(20000)
    const log = (globalThis as Log).__ylSpeechLog ?? []
    const longShown = [...shownMs].filter(([, ms]) => ms >= 8000).map(([t]) => t)
    expect(log[0]).toBe('正在准备，请稍候')
    expect(log).toContain('请把脸放进框内，正对屏幕') // said as soon as the camera showed a face, however short positioning was
    expect(longShown).toEqual(expect.arrayContaining(['请向左转头', '向您自己的', '左边转头', '第 2 个动作，', '共 2 个', '不着急，再做一次']))
    // each piece of text on the screen is part of a sentence that was said
    for (const t of longShown) expect({ text: t, spoken: log.some((l) => l.includes(t)) }).toEqual({ text: t, spoken: true })
    expect(log).toContain('第 2 个动作，共 2 个')
    // the countdown: said when its words first show, not every second
    const countdown = log.filter((t) => /^还有 \d+ 秒$/.test(t))
    expect(countdown.length).toBeGreaterThanOrEqual(1)
    expect(countdown.length).toBeLessThanOrEqual(2) // once per attempt
    expect(log).toContain('正在核验，请稍等，请不要退出')
  })
})
