/**
 * The weapp speech adapter: the WechatSI plugin (a fake) synthesises, a fake InnerAudioContext plays;
 * the recorded clip when the plugin is missing, fails, is silent or its audio cannot play; nothing
 * (the written text stays) when neither is there. One utterance at a time.
 */
jest.mock('@tarojs/taro', () => require('../support/taro-mock'))

import Taro from '@tarojs/taro'
import { PromptSpeaker, SPEECH_PAUSE_MS } from '@/packages/certify/flow/prompt-speaker'
import { readPageAloud } from '@/packages/certify/flow/result-reader'
import {
  registerPromptAudio,
  resetSpeechForTests,
  speak,
  speechAvailable,
  splitForTts,
  stopSpeaking,
  TTS_TIMEOUT_MS,
  WECHATSI_MAX_BYTES,
  type WechatSIPlugin,
} from '@/services/speech'
import { audios, installTaroExtra } from '../certify/taro-extra'

type TtsCall = Parameters<WechatSIPlugin['textToSpeech']>[0]

/** A fake WechatSI: records each request; the test answers them. */
function fakePlugin() {
  const calls: TtsCall[] = []
  const plugin: WechatSIPlugin = { textToSpeech: jest.fn((o: TtsCall) => void calls.push(o)) }
  return { plugin, calls }
}

const CLIP = '/packages/certify/audio/blink.mp3'
const NOW_S = 1_800_000_000
let now = NOW_S * 1000

function usePlugin(plugin: WechatSIPlugin | 'undeclared') {
  ;(Taro as unknown as Record<string, unknown>).requirePlugin = jest.fn((name: string) => {
    if (plugin === 'undeclared' || name !== 'WechatSI') throw new Error(`plugin ${name} is not defined`)
    return plugin
  })
}

const ok = (n: number) => ({ retcode: 0, filename: `https://tts.example/${n}.mp3`, expired_time: NOW_S + 3 * 3600 })
const player = () => audios[0]
const ended = () => (player().onEnded.mock.calls[0][0] as () => void)()
const failed = () => (player().onError.mock.calls[0][0] as (e: unknown) => void)({ errCode: 10002 })

beforeEach(() => {
  resetSpeechForTests()
  installTaroExtra()
  process.env.TARO_ENV = 'weapp'
  now = NOW_S * 1000
  jest.spyOn(Date, 'now').mockImplementation(() => now)
  registerPromptAudio({ 请眨眨眼: CLIP })
})

afterEach(() => {
  stopSpeaking()
  jest.restoreAllMocks()
  jest.useRealTimers()
  delete (Taro as unknown as Record<string, unknown>).requirePlugin
})

describe('weapp with the WechatSI plugin', () => {
  test('any text goes to textToSpeech in zh_CN; its URL plays once answered; start and end are reported', () => {
    const { plugin, calls } = fakePlugin()
    usePlugin(plugin)
    const events: string[] = []
    expect(speechAvailable()).toBe(true)
    expect(speak('请向左转头', { onStart: () => events.push('start'), onEnd: () => events.push('end') })).toEqual({ spoken: true })
    expect(calls.map((c) => [c.lang, c.content])).toEqual([['zh_CN', '请向左转头']])
    expect(player().played).toEqual([]) // nothing to play before the plugin answers
    expect(events).toEqual([])
    calls[0].success?.(ok(1))
    expect(player().played).toEqual(['https://tts.example/1.mp3'])
    expect(events).toEqual(['start'])
    ended()
    expect(events).toEqual(['start', 'end'])
    expect((Taro as unknown as { requirePlugin: jest.Mock }).requirePlugin).toHaveBeenCalledWith('WechatSI')
  })

  test('a text with a clip is still said by the plugin first (the clip is the fallback)', () => {
    const { plugin, calls } = fakePlugin()
    usePlugin(plugin)
    speak('请眨眨眼')
    calls[0].success?.(ok(2))
    expect(player().played).toEqual(['https://tts.example/2.mp3'])
  })

  test('one at a time: a new prompt stops the old one, cuts its wait, and a late answer for it plays nothing', () => {
    const { plugin, calls } = fakePlugin()
    usePlugin(plugin)
    const ends: string[] = []
    speak('第一句', { onEnd: () => ends.push('first') })
    calls[0].success?.(ok(1))
    expect(player().played).toEqual(['https://tts.example/1.mp3'])
    speak('第二句', { onEnd: () => ends.push('second') })
    expect(ends).toEqual(['first'])
    expect(player().stop).toHaveBeenCalled()
    speak('第三句', { onEnd: () => ends.push('third') })
    expect(ends).toEqual(['first', 'second'])
    calls[1].success?.(ok(2)) // 第二句 answered late: dropped
    calls[2].success?.(ok(3))
    expect(player().played).toEqual(['https://tts.example/1.mp3', 'https://tts.example/3.mp3'])
    ended()
    expect(ends).toEqual(['first', 'second', 'third'])
  })

  test('the plugin fails (retcode -20003): the clip plays; without a clip the wait ends and nothing plays', () => {
    const { plugin, calls } = fakePlugin()
    usePlugin(plugin)
    const ends: string[] = []
    speak('请眨眨眼', { onEnd: () => ends.push('blink') })
    calls[0].fail?.({ retcode: -20003, msg: 'text to speech inner server failed.' })
    expect(player().played).toEqual([CLIP])
    ended()
    expect(ends).toEqual(['blink'])
    speak('没有录音的话', { onEnd: () => ends.push('other') })
    calls[1].fail?.({ retcode: -20005, msg: 'network' })
    expect(ends).toEqual(['blink', 'other'])
    expect(player().played).toEqual([CLIP])
  })

  test('an answer without a file, or no answer within the time limit: the clip instead', () => {
    jest.useFakeTimers({ doNotFake: ['Date'] })
    const { plugin, calls } = fakePlugin()
    usePlugin(plugin)
    speak('请眨眨眼')
    calls[0].success?.({ retcode: -20002 })
    expect(player().played).toEqual([CLIP])
    now += 5000
    speak('请眨眨眼')
    jest.advanceTimersByTime(TTS_TIMEOUT_MS - 1)
    expect(player().played).toEqual([CLIP])
    jest.advanceTimersByTime(1)
    expect(player().played).toEqual([CLIP, CLIP])
    calls[1].success?.(ok(9)) // too late: the clip already plays
    expect(player().played).toEqual([CLIP, CLIP])
  })

  test('the synthesised audio cannot play: the clip; the broken URL is not reused', () => {
    const { plugin, calls } = fakePlugin()
    usePlugin(plugin)
    speak('请眨眨眼')
    calls[0].success?.(ok(1))
    failed()
    expect(player().played).toEqual(['https://tts.example/1.mp3', CLIP])
    now += 5000
    speak('请眨眨眼')
    expect(calls).toHaveLength(2)
  })

  test('a text said again reuses its URL until it expires (fewer requests: the plugin limits their rate)', () => {
    const { plugin, calls } = fakePlugin()
    usePlugin(plugin)
    speak('请张开嘴')
    calls[0].success?.(ok(1))
    ended()
    now += 60_000
    speak('请张开嘴')
    expect(calls).toHaveLength(1)
    expect(player().played).toEqual(['https://tts.example/1.mp3', 'https://tts.example/1.mp3'])
    now = (NOW_S + 3 * 3600) * 1000 // expired
    speak('请张开嘴')
    expect(calls).toHaveLength(2)
  })

  test('a text over 1000 bytes goes in parts, in order, each asked for when the one before has ended', () => {
    const { plugin, calls } = fakePlugin()
    usePlugin(plugin)
    // 40 different sentences of 20 characters (60 bytes): 2400 bytes
    const text = Array.from({ length: 40 }, (_, i) => `这是第${String(i + 10)}句比较长的话，用来试一试分段朗读。`.slice(0, 20)).join('')
    const ends: string[] = []
    speak(text, { onEnd: () => ends.push('end') })
    expect(calls).toHaveLength(1)
    calls[0].success?.(ok(1))
    ended()
    expect(calls).toHaveLength(2)
    calls[1].success?.(ok(2))
    ended()
    calls[2].success?.(ok(3))
    expect(ends).toEqual([])
    ended()
    expect(ends).toEqual(['end'])
    expect(calls).toHaveLength(3)
    expect(calls.map((c) => c.content).join('')).toBe(text)
    for (const c of calls) expect(Buffer.byteLength(c.content, 'utf8')).toBeLessThanOrEqual(WECHATSI_MAX_BYTES)
    expect(player().played).toEqual(['https://tts.example/1.mp3', 'https://tts.example/2.mp3', 'https://tts.example/3.mp3'])
  })

  test('stopSpeaking while the plugin works: its answer plays nothing', () => {
    const { plugin, calls } = fakePlugin()
    usePlugin(plugin)
    const ends: string[] = []
    speak('请慢慢抬头', { onEnd: () => ends.push('end') })
    stopSpeaking()
    expect(ends).toEqual(['end'])
    calls[0].success?.(ok(1))
    expect(player().played).toEqual([])
  })

  test('a plugin that throws does not break the page: the clip, or nothing', () => {
    usePlugin({
      textToSpeech: () => {
        throw new Error('boom')
      },
    })
    expect(speak('请眨眨眼').spoken).toBe(true)
    expect(player().played).toEqual([CLIP])
    expect(() => speak('别的话')).not.toThrow()
  })

  test('a text holding an ID number is never sent to the plugin (WeChat\'s speech service)', () => {
    const { plugin, calls } = fakePlugin()
    usePlugin(plugin)
    expect(speak('身份证号 11010119380917053X 已绑定').spoken).toBe(false)
    expect(speak('旧号码 110101380917053').spoken).toBe(false)
    expect(calls).toEqual([])
    expect(speak('请在2027年3月31日前认证，电话 13800138000').spoken).toBe(true)
    expect(calls).toHaveLength(1)
  })

  test('the result page reader: with the plugin the whole page is one utterance', () => {
    const { plugin, calls } = fakePlugin()
    usePlugin(plugin)
    readPageAloud('认证通过，记录已保存。下次认证时间：2027年12月6日。', ['认证通过，记录已保存'], { speak, hasVoice: speechAvailable, hasClip: () => true })
    expect(calls.map((c) => c.content)).toEqual(['认证通过，记录已保存。下次认证时间：2027年12月6日。'])
  })
})

describe("the camera page's queue over the plugin (wired as useCertifyFlow wires it)", () => {
  function queue() {
    jest.restoreAllMocks() // the queue and the service read the fake timers' clock
    jest.useFakeTimers()
    const { plugin, calls } = fakePlugin()
    usePlugin(plugin)
    const speaker = new PromptSpeaker({ speak: (t, done, started) => speak(t, { onEnd: done, onStart: started }).spoken, reportsStart: true })
    return { speaker, calls }
  }

  test('a sentence still being synthesised is not cut off by the next one: its length counts from its start', () => {
    const { speaker, calls } = queue()
    speaker.say(['请眨眨眼', '请张开嘴'])
    expect(calls.map((c) => c.content)).toEqual(['请眨眨眼'])
    jest.advanceTimersByTime(4000) // longer than 请眨眨眼 takes to say, but the plugin has not answered
    expect(calls.map((c) => c.content)).toEqual(['请眨眨眼'])
    calls[0].success?.(ok(1))
    expect(player().played).toEqual(['https://tts.example/1.mp3'])
    ended()
    jest.advanceTimersByTime(SPEECH_PAUSE_MS)
    expect(calls.map((c) => c.content)).toEqual(['请眨眨眼', '请张开嘴'])
  })

  test('the plugin never answers: the clip plays after the time limit and the queue goes on', () => {
    const { speaker, calls } = queue()
    speaker.say(['请眨眨眼', '请张开嘴'])
    jest.advanceTimersByTime(TTS_TIMEOUT_MS)
    expect(player().played).toEqual([CLIP])
    ended()
    jest.advanceTimersByTime(SPEECH_PAUSE_MS)
    expect(calls.map((c) => c.content)).toEqual(['请眨眨眼', '请张开嘴'])
  })
})

describe('weapp without the plugin (the default build)', () => {
  test('requirePlugin refuses: the recorded clip plays; text without a clip is not spoken (the written text stays)', () => {
    usePlugin('undeclared')
    expect(speechAvailable()).toBe(false)
    expect(speak('请眨眨眼').spoken).toBe(true)
    expect(player().played).toEqual([CLIP])
    expect(speak('第 1 个动作，共 2 个').spoken).toBe(false)
    expect(player().played).toEqual([CLIP])
  })

  test('no requirePlugin at all (Taro says it is not supported): the same', () => {
    ;(Taro as unknown as Record<string, unknown>).requirePlugin = () => undefined
    expect(speechAvailable()).toBe(false)
    expect(speak('请眨眨眼').spoken).toBe(true)
    expect(speak('别的话').spoken).toBe(false)
  })
})

describe('splitForTts', () => {
  test('short text is one part; long text is cut after sentences, then commas, then anywhere', () => {
    expect(splitForTts('请眨眨眼')).toEqual(['请眨眨眼'])
    expect(splitForTts('第一句。第二句。第三句。', 12)).toEqual(['第一句。', '第二句。', '第三句。'])
    expect(splitForTts('甲乙，丙丁，戊己。', 9)).toEqual(['甲乙，', '丙丁，', '戊己。'])
    expect(splitForTts('甲乙丙丁戊己', 6)).toEqual(['甲乙', '丙丁', '戊己'])
    expect(splitForTts('第一句。第二句。', 100)).toEqual(['第一句。第二句。'])
  })
})
