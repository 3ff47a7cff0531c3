jest.mock('@tarojs/taro', () => require('../support/taro-mock'))

import { countdownView, countdownWords } from '@/packages/certify/flow/countdown'
import { PromptSpeaker, type SpeakerClock } from '@/packages/certify/flow/prompt-speaker'
import { PROMPT_AUDIO } from '@/packages/certify/audio/manifest'
import { ACTION_PROMPTS, FAIL_TEXTS, HINTS, POSITION_PROMPT } from '@/core/liveness'
import { registerPromptAudio, resetSpeechForTests, speak, speechAvailable, stopSpeaking } from '@/services/speech'
import { audios, extra, installTaroExtra } from './taro-extra'

class FakeClock implements SpeakerClock {
  t = 0
  private timers: Array<{ at: number; fn: () => void; id: number }> = []
  private next = 1
  now = () => this.t
  setTimeout = (fn: () => void, ms: number) => {
    const id = this.next++
    this.timers.push({ at: this.t + ms, fn, id })
    return id
  }
  clearTimeout = (id: unknown) => {
    this.timers = this.timers.filter((x) => x.id !== id)
  }
  advance(ms: number) {
    const end = this.t + ms
    for (;;) {
      this.timers.sort((a, b) => a.at - b.at)
      const first = this.timers[0]
      if (!first || first.at > end) break
      this.timers.shift()
      this.t = first.at
      first.fn()
    }
    this.t = end
  }
}

function speaker() {
  const clock = new FakeClock()
  const spoken: Array<[number, string]> = []
  const s = new PromptSpeaker({ speak: (t) => spoken.push([clock.t, t]), clock })
  return { s, clock, spoken }
}

describe('PromptSpeaker: dedupe and a calm pace', () => {
  test('the same text is not repeated while it is fresh', () => {
    const { s, clock, spoken } = speaker()
    s.say('请靠近一点', 'hint')
    clock.advance(3000)
    s.say('请靠近一点', 'hint')
    s.say('请靠近一点', 'hint')
    clock.advance(3000)
    s.say('请靠近一点', 'hint')
    expect(spoken.map(([, t]) => t)).toEqual(['请靠近一点'])
    clock.advance(9000)
    s.say('请靠近一点', 'hint') // much later: said again
    expect(spoken).toHaveLength(2)
  })

  test('never closer than 2.5 s; only the latest waiting text is said, and a hint never pushes out a prompt', () => {
    const { s, clock, spoken } = speaker()
    s.say('请把脸放进框内，正对屏幕')
    clock.advance(500)
    s.say('请靠近一点', 'hint')
    s.say('光线太暗', 'hint')
    clock.advance(200)
    s.say('请眨眨眼', 'prompt')
    s.say('请保持不动', 'hint') // does not replace the waiting prompt
    clock.advance(5000)
    expect(spoken).toEqual([
      [0, '请把脸放进框内，正对屏幕'],
      [2500, '请眨眨眼'],
    ])
    for (let i = 1; i < spoken.length; i++) expect(spoken[i][0] - spoken[i - 1][0]).toBeGreaterThanOrEqual(2500)
  })

  test('a retried prompt (after the 15 s attempt) is said again; 再说一遍 says it at once; stop() silences', () => {
    const { s, clock, spoken } = speaker()
    s.say('请向左转头')
    clock.advance(15000)
    s.say('请向左转头')
    expect(spoken).toHaveLength(2)
    clock.advance(100)
    s.repeat()
    expect(spoken).toHaveLength(3)
    s.stop()
    clock.advance(5000)
    s.say('请眨眨眼')
    expect(spoken).toHaveLength(3)
  })
})

describe('speech service with recorded clips', () => {
  beforeEach(() => {
    resetSpeechForTests()
    installTaroExtra()
  })
  afterEach(() => {
    delete (window as unknown as Record<string, unknown>).speechSynthesis
    delete (window as unknown as Record<string, unknown>).SpeechSynthesisUtterance
  })

  test('every fixed engine prompt, hint and failure text has a clip in the manifest', () => {
    for (const t of [POSITION_PROMPT, ...Object.values(ACTION_PROMPTS), ...Object.values(HINTS), ...Object.values(FAIL_TEXTS)]) {
      expect(PROMPT_AUDIO[t]).toMatch(/^\/packages\/certify\/audio\/.+\.mp3$/)
    }
  })

  test('weapp: a text with a clip plays through InnerAudioContext; other text is not spoken (WechatSI later)', () => {
    process.env.TARO_ENV = 'weapp'
    registerPromptAudio(PROMPT_AUDIO)
    expect(speak('请眨眨眼')).toEqual({ spoken: true })
    expect(audios[0].played).toEqual([PROMPT_AUDIO['请眨眨眼']])
    expect(speak('这句话没有录音')).toEqual({ spoken: false })
    expect(speechAvailable()).toBe(false)
  })

  test('H5: clip first; without a clip speechSynthesis; a clip that fails to play falls back to the voice', () => {
    process.env.TARO_ENV = 'h5'
    const synth = { speak: jest.fn(), cancel: jest.fn(), getVoices: () => [{ lang: 'zh-CN' }] }
    Object.assign(window, {
      speechSynthesis: synth,
      SpeechSynthesisUtterance: class {
        lang = ''
        rate = 1
        voice: unknown
        constructor(public text: string) {}
      },
    })
    registerPromptAudio({ 请张开嘴: '/packages/certify/audio/x.mp3' })
    expect(speak('请张开嘴').spoken).toBe(true)
    expect(audios[0].played).toEqual(['/packages/certify/audio/x.mp3'])
    expect(synth.speak).not.toHaveBeenCalled()
    // the file could not play
    const onError = audios[0].onError.mock.calls[0][0] as () => void
    onError()
    expect((synth.speak.mock.calls[0][0] as { text: string }).text).toBe('请张开嘴')
    expect(speak('其他的话').spoken).toBe(true)
    expect((synth.speak.mock.calls[1][0] as { text: string }).text).toBe('其他的话')
  })
})

describe('speech service: end of an utterance and the speech log', () => {
  type Log = { __ylSpeechLog?: unknown }
  let utterances: Array<{ text: string; onend?: () => void; onerror?: () => void }>
  let synth: { speak: jest.Mock; cancel: jest.Mock; getVoices: () => Array<{ lang: string }> }

  beforeEach(() => {
    resetSpeechForTests()
    installTaroExtra()
    process.env.TARO_ENV = 'h5'
    utterances = []
    synth = { speak: jest.fn((u) => utterances.push(u)), cancel: jest.fn(), getVoices: () => [{ lang: 'zh-CN' }] }
    Object.assign(window, {
      speechSynthesis: synth,
      SpeechSynthesisUtterance: class {
        lang = ''
        rate = 1
        voice: unknown
        onend?: () => void
        onerror?: () => void
        constructor(public text: string) {}
      },
    })
  })
  afterEach(() => {
    delete (window as unknown as Record<string, unknown>).speechSynthesis
    delete (window as unknown as Record<string, unknown>).SpeechSynthesisUtterance
    delete (globalThis as Log).__ylSpeechLog
  })

  test('every utterance actually started (clip or voice) is appended to __ylSpeechLog when it is an array', () => {
    ;(globalThis as Log).__ylSpeechLog = []
    registerPromptAudio({ 请张开嘴: '/packages/certify/audio/x.mp3' })
    speak('请张开嘴')
    speak('  第 1 个动作，共 2 个 ')
    speak('')
    expect((globalThis as Log).__ylSpeechLog).toEqual(['请张开嘴', '第 1 个动作，共 2 个'])
  })

  test('without the log array nothing is recorded and nothing breaks', () => {
    ;(globalThis as Log).__ylSpeechLog = 'not an array'
    expect(speak('请眨眨眼').spoken).toBe(true)
    expect((globalThis as Log).__ylSpeechLog).toBe('not an array')
  })

  test('onEnd: once when the voice ends, when a clip ends, and when the next utterance cuts it off', () => {
    const ends: string[] = []
    speak('其他的话', { onEnd: () => ends.push('voice') })
    utterances[0].onend?.()
    utterances[0].onerror?.() // a late second event changes nothing
    expect(ends).toEqual(['voice'])

    registerPromptAudio({ 请张开嘴: '/packages/certify/audio/x.mp3' })
    speak('请张开嘴', { onEnd: () => ends.push('clip') })
    const onEnded = audios[0].onEnded.mock.calls[0][0] as () => void
    onEnded()
    expect(ends).toEqual(['voice', 'clip'])

    speak('第一句', { onEnd: () => ends.push('first') })
    speak('第二句', { onEnd: () => ends.push('second') })
    expect(ends).toEqual(['voice', 'clip', 'first'])
    utterances[1].onerror?.() // the cut-off utterance's own late event does not end the second one
    expect(ends).toEqual(['voice', 'clip', 'first'])
    utterances[2].onend?.()
    expect(ends).toEqual(['voice', 'clip', 'first', 'second'])
  })

  test('a clip that the browser refuses to play (autoplay) is said with the voice, and its end is reported', async () => {
    const ends: string[] = []
    registerPromptAudio({ 请张开嘴: '/packages/certify/audio/x.mp3' })
    extra.createInnerAudioContext.mockImplementationOnce(() => {
      const a = { src: '', played: [] as string[], play: jest.fn(() => Promise.reject(new Error('NotAllowedError'))), stop: jest.fn(), onError: jest.fn(), onEnded: jest.fn() }
      audios.push(a as never)
      return a as never
    })
    speak('请张开嘴', { onEnd: () => ends.push('end') })
    await Promise.resolve()
    await Promise.resolve()
    expect(utterances.map((u) => u.text)).toEqual(['请张开嘴'])
    utterances[0].onend?.()
    expect(ends).toEqual(['end'])
  })

  test('stopSpeaking() ends the wait of the current utterance', () => {
    const ends: string[] = []
    speak('其他的话', { onEnd: () => ends.push('stopped') })
    stopSpeaking()
    expect(ends).toEqual(['stopped'])
  })
})

describe('countdown', () => {
  test('calm: no seconds until the last part, then words; bar quantised', () => {
    expect(countdownView(0, 15000, 0)).toEqual({ fraction: 1, remainingMs: 15000, seconds: null })
    expect(countdownView(0, 15000, 9000).seconds).toBeNull()
    const late = countdownView(0, 15000, 11000)
    expect(late.seconds).toBe(4)
    expect(countdownWords(late)).toBe('还有 4 秒')
    expect(countdownView(0, 15000, 20000)).toEqual({ fraction: 0, remainingMs: 0, seconds: null })
    const values = new Set<number>()
    for (let t = 0; t <= 15000; t += 10) values.add(countdownView(0, 15000, t).fraction)
    expect(values.size).toBeLessThanOrEqual(31)
  })
})
