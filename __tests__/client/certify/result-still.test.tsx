/**
 * A still face (issue 11, part 3): the result page says and SPEAKS why, in two short lines —
 * 原因：没有检测到动作 / 请本人面对镜头，按提示做动作 — and on weapp, where only recorded clips sound,
 * the whole reason's clip plays after 认证未通过.
 */
jest.mock('@tarojs/taro', () => require('../support/taro-mock'))
jest.mock('@tarojs/components', () => require('../support/components-mock'))

import { act, render, screen } from '@testing-library/react'
import { FAIL_TEXTS } from '@/core/liveness/session/texts'
import CertifyResultPage from '@/packages/certify/result'
import { PROMPT_AUDIO } from '@/packages/certify/audio/manifest'
import { clearResultForTests, saveResult } from '@/packages/certify/flow/result-store'
import { resultViewModel } from '@/packages/certify/flow/result-view'
import { registerPromptAudio, resetSpeechForTests } from '@/services/speech'
import { resetTaroMock } from '../support/taro-mock'
import { failedResult } from './support'
import { audios, installTaroExtra } from './taro-extra'

const STILL = { ...failedResult(1, FAIL_TEXTS.no_liveness), reasonCode: 'no_liveness' as const }

beforeEach(() => {
  resetTaroMock()
  resetSpeechForTests()
  registerPromptAudio(PROMPT_AUDIO) // as the certify pages' prompt-audio import does
  process.env.TARO_ENV = 'weapp'
})

test('the reason and what to do, each on its own line', () => {
  const vm = resultViewModel(STILL)
  expect(vm.title).toBe('认证未通过')
  expect(vm.mark).toBe('✕')
  expect(vm.lines).toEqual(['原因：没有检测到动作', '请本人面对镜头，按提示做动作'])
  expect(vm.speech).toContain('原因：没有检测到动作')
  expect(vm.speech).toContain('请本人面对镜头，按提示做动作')
  expect(vm.showRetry).toBe(true)
})

test('reasons without a colon stay on one line', () => {
  expect(resultViewModel(failedResult(1)).lines).toEqual(['原因：时间到了，没有完成动作，请再试一次'])
})

test('weapp (clips only): the page plays 认证未通过 and then the recorded clip of the whole reason, one after the other', () => {
  clearResultForTests()
  saveResult(STILL)
  installTaroExtra({ r: STILL.recordId })
  render(<CertifyResultPage />)
  const text = screen.getByTestId('result').textContent ?? ''
  expect(text).toContain('原因：没有检测到动作')
  expect(text).toContain('请本人面对镜头，按提示做动作')
  expect(screen.getByTestId('recertify')).toBeTruthy()
  expect(PROMPT_AUDIO[FAIL_TEXTS.no_liveness]).toMatch(/^\/packages\/certify\/audio\/[0-9a-f]{12}\.mp3$/)
  const played = () => audios.flatMap((a) => a.played)
  // the second clip waits for the first to end (never cut off)
  expect(played()).toEqual([PROMPT_AUDIO['认证未通过']])
  const ended = audios[0].onEnded.mock.calls[0][0] as () => void
  act(() => ended())
  expect(played()).toEqual([PROMPT_AUDIO['认证未通过'], PROMPT_AUDIO[FAIL_TEXTS.no_liveness]])
  act(() => ended())
  expect(played()).toHaveLength(2)
})
