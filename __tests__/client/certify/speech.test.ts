jest.mock('@tarojs/taro', () => require('../support/taro-mock'))

import { countdownView, countdownWords } from '@/components/Countdown/countdown'
import { PromptSpeaker, SPEECH_MIN_GAP_MS, SPEECH_MS_PER_CHAR, SPEECH_PAUSE_MS, type SpeakerClock } from '@/packages/certify/flow/prompt-speaker'
import { PROMPT_AUDIO } from '@/packages/certify/audio/manifest'
import { ACTION_PROMPTS, FAIL_TEXTS, HINTS, POSITION_PROMPT } from '@/core/liveness'
import { MISSED_ACTION_TEXTS } from '@/core/liveness/session/texts'
import { CHECKING_SAID, RETRY_TEXT } from '@/packages/certify/flow/camera-texts'
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

/** A speaker whose speech layer never reports an end (as headless browsers' voices may not). */
function speaker() {
  const clock = new FakeClock()
  const spoken: Array<[number, string]> = []
  const s = new PromptSpeaker({ speak: (t) => void spoken.push([clock.t, t]), clock })
  return { s, clock, spoken }
}

/** A speaker whose speech layer reports each end: `finish()` ends the utterance playing. */
function reportingSpeaker() {
  const clock = new FakeClock()
  const spoken: Array<[number, string]> = []
  let done: (() => void) | null = null
  const s = new PromptSpeaker({
    speak: (t, d) => {
      spoken.push([clock.t, t])
      done = d
      return true
    },
    clock,
  })
  const finish = () => {
    const d = done
    done = null
    d?.()
  }
  return { s, clock, spoken, finish }
}

const texts = (spoken: Array<[number, string]>) => spoken.map(([, t]) => t)

describe('PromptSpeaker: a calm queue that drops nothing still on the screen', () => {
  test('the same text is not repeated while it is fresh, nor queued twice', () => {
    const { s, clock, spoken } = speaker()
    s.say('请靠近一点', 'hint')
    clock.advance(3000)
    s.say('请靠近一点', 'hint')
    s.say('请靠近一点', 'hint')
    clock.advance(3000)
    s.say('请靠近一点', 'hint')
    expect(texts(spoken)).toEqual(['请靠近一点'])
    clock.advance(9000)
    s.say('请靠近一点', 'hint') // much later: said again
    expect(spoken).toHaveLength(2)
    s.say(['请眨眨眼', '第 1 个动作，共 2 个'], 'prompt')
    s.say('第 1 个动作，共 2 个', 'info')
    clock.advance(20000)
    expect(texts(spoken)).toEqual(['请靠近一点', '请靠近一点', '请眨眨眼', '第 1 个动作，共 2 个'])
  })

  test('a step\'s sentences are all said, in order, each after the previous one has ended plus a calm pause', () => {
    const { s, clock, spoken, finish } = reportingSpeaker()
    s.say(['不着急，再做一次', '请向左转头', '向您自己的左边转头', '第 2 个动作，共 2 个'], 'prompt')
    expect(texts(spoken)).toEqual(['不着急，再做一次'])
    clock.advance(2600) // past the 2.5 s gap, but the sentence still plays: nothing else starts
    expect(spoken).toHaveLength(1)
    finish()
    clock.advance(SPEECH_PAUSE_MS - 1)
    expect(spoken).toHaveLength(1)
    clock.advance(1)
    expect(spoken[1]).toEqual([2600 + SPEECH_PAUSE_MS, '请向左转头'])
    clock.advance(500)
    finish() // a short clip: the next one still waits for the 2.5 s gap after the previous start
    clock.advance(2500)
    expect(spoken[2]).toEqual([2600 + SPEECH_PAUSE_MS + SPEECH_MIN_GAP_MS, '向您自己的左边转头'])
    finish()
    clock.advance(5000)
    expect(texts(spoken)).toEqual(['不着急，再做一次', '请向左转头', '向您自己的左边转头', '第 2 个动作，共 2 个'])
  })

  test('without end events a sentence is taken as over after its estimated length, never cut off sooner', () => {
    const { s, clock, spoken } = speaker()
    s.say(['请把脸放进框内，正对屏幕', '请靠近一点'], 'prompt')
    clock.advance(30000)
    expect(texts(spoken)).toEqual(['请把脸放进框内，正对屏幕', '请靠近一点'])
    // 11 characters at the browser voice's pace, then the pause
    expect(spoken[1][0]).toBeGreaterThanOrEqual(11 * SPEECH_MS_PER_CHAR + SPEECH_PAUSE_MS)
    expect(spoken[1][0]).toBeLessThan(8000)
  })

  test('a hint waits behind the action prompt and never pushes it out; only the latest hint waits; \'\' withdraws it', () => {
    const { s, clock, spoken } = speaker()
    s.say('请把脸放进框内，正对屏幕')
    clock.advance(500)
    s.say('请靠近一点', 'hint')
    s.say('光线太暗', 'hint') // replaces the waiting hint
    expect(s.waiting).toEqual(['光线太暗'])
    s.say('', 'hint') // the hint went away before it was said
    expect(s.waiting).toEqual([])
    s.say('请保持不动', 'hint')
    clock.advance(200)
    s.say('请眨眨眼', 'prompt') // a new step: the positioning hint is stale
    s.say('请靠近一点', 'hint')
    expect(s.waiting).toEqual(['请眨眨眼', '请靠近一点'])
    clock.advance(30000)
    expect(texts(spoken)).toEqual(['请把脸放进框内，正对屏幕', '请眨眨眼', '请靠近一点'])
    for (let i = 1; i < spoken.length; i++) expect(spoken[i][0] - spoken[i - 1][0]).toBeGreaterThanOrEqual(SPEECH_MIN_GAP_MS)
  })

  test('the countdown is said next, ahead of a waiting hint (it is about now)', () => {
    const { s, clock, spoken } = speaker()
    s.say(['请向左转头', '第 2 个动作，共 2 个'])
    s.say('请靠近一点', 'hint')
    s.say('还有 5 秒', 'info')
    expect(s.waiting).toEqual(['还有 5 秒', '第 2 个动作，共 2 个', '请靠近一点'])
    clock.advance(30000)
    expect(texts(spoken)).toEqual(['请向左转头', '还有 5 秒', '第 2 个动作，共 2 个', '请靠近一点'])
  })

  test('the rest of a step that is over is dropped (its counter, countdown and hints); the new step is said', () => {
    const { s, clock, spoken } = speaker()
    s.say(['请眨眨眼', '第 1 个动作，共 2 个'])
    s.say('还有 5 秒', 'info')
    s.say('请靠近一点', 'hint')
    clock.advance(100) // the person blinked at once
    s.say(['请向左转头', '第 2 个动作，共 2 个'])
    clock.advance(30000)
    expect(texts(spoken)).toEqual(['请眨眨眼', '请向左转头', '第 2 个动作，共 2 个'])
  })

  test('a retried prompt (after the 15 s attempt) is said again; 再说一遍 says the step again at once; stop() silences', () => {
    const { s, clock, spoken } = speaker()
    s.say('请向左转头')
    clock.advance(15000)
    s.say(['不着急，再做一次', '请向左转头'])
    clock.advance(10000)
    expect(texts(spoken)).toEqual(['请向左转头', '不着急，再做一次', '请向左转头'])
    clock.advance(100)
    s.repeat()
    expect(texts(spoken).slice(3)).toEqual(['不着急，再做一次'])
    clock.advance(10000)
    expect(texts(spoken).slice(3)).toEqual(['不着急，再做一次', '请向左转头'])
    s.stop()
    clock.advance(5000)
    s.say('请眨眨眼')
    clock.advance(5000)
    expect(spoken).toHaveLength(5)
  })

  test('a passing state (status) gives way at once to what follows; a prompt never does; interrupt cuts anything', () => {
    const { s, clock, spoken } = speaker()
    s.say(['正在准备，请稍候'], 'status')
    clock.advance(300)
    s.say(['正在打开摄像头，请稍候'], 'status') // cuts 正在准备 short
    clock.advance(300)
    s.say('请把脸放进框内，正对屏幕', 'status') // the camera is open: said now
    clock.advance(1000)
    s.say(['请眨眨眼', '第 1 个动作，共 2 个']) // positioned: said now
    expect(spoken).toEqual([
      [0, '正在准备，请稍候'],
      [300, '正在打开摄像头，请稍候'],
      [600, '请把脸放进框内，正对屏幕'],
      [1600, '请眨眨眼'],
    ])
    clock.advance(100)
    s.say(['请向左转头', '第 2 个动作，共 2 个']) // a prompt is not cut short by the next step
    expect(spoken).toHaveLength(4)
    clock.advance(30000)
    expect(texts(spoken).slice(4)).toEqual(['请向左转头', '第 2 个动作，共 2 个'])
    s.say(['请慢慢低头'])
    clock.advance(500)
    s.say(['正在核验，请稍等，请不要退出'], 'status', { interrupt: true }) // the actions are over
    expect(spoken[spoken.length - 1]).toEqual([clock.t, '正在核验，请稍等，请不要退出'])
  })

  test('a sentence the speech layer cannot say does not hold the queue up', () => {
    const clock = new FakeClock()
    const spoken: Array<[number, string]> = []
    const s = new PromptSpeaker({ speak: (t) => (spoken.push([clock.t, t]), false), clock })
    s.say(['没有录音的一句话', '请眨眨眼'])
    clock.advance(SPEECH_MIN_GAP_MS)
    expect(texts(spoken)).toEqual(['没有录音的一句话', '请眨眨眼'])
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

  test('every fixed engine prompt, hint and failure text, each missed action\'s advice and the camera page\'s fixed lines have a clip', () => {
    const camera = [RETRY_TEXT, CHECKING_SAID]
    for (const t of [POSITION_PROMPT, ...Object.values(ACTION_PROMPTS), ...Object.values(HINTS), ...Object.values(FAIL_TEXTS), ...Object.values(MISSED_ACTION_TEXTS), ...camera]) {
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

  test('the same sentence asked for again as it starts (a page and its error banner) is said once; its end reaches the later caller', () => {
    ;(globalThis as Log).__ylSpeechLog = []
    const ends: string[] = []
    speak('网络不太好，请稍后再试')
    speak('网络不太好，请稍后再试', { onEnd: () => ends.push('queue') })
    expect(utterances).toHaveLength(1)
    expect((globalThis as Log).__ylSpeechLog).toEqual(['网络不太好，请稍后再试'])
    utterances[0].onend?.()
    expect(ends).toEqual(['queue'])
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
