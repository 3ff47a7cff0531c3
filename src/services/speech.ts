/**
 * speak(text): every prompt is written and spoken.
 *
 * - H5: recorded clips first (a text registered with registerPromptAudio() plays through
 *   Taro.createInnerAudioContext, an HTMLAudioElement on H5); any other text, or a clip that cannot
 *   play, goes to window.speechSynthesis with a zh-CN voice, slowed down for older listeners.
 * - weapp: the WechatSI plugin (微信同声传译) when the build declares it (app.config.ts declares it
 *   when TARO_APP_WECHATSI=<version> is set; it needs a real appid). Any text is sent to
 *   `requirePlugin('WechatSI').textToSpeech({lang: 'zh_CN', content})` (content at most 1000 bytes,
 *   so a longer text goes in parts, one after another) and the mp3 URL it answers plays through the
 *   same InnerAudioContext. The URL stays valid until its expired_time (about 3 hours), so a text
 *   said again is not synthesised again. When the plugin is not declared, fails (retcode, network,
 *   no answer within TTS_TIMEOUT_MS) or its audio cannot play, the text's recorded clip plays if it
 *   has one; otherwise nothing sounds and the written text stays (speak answers {spoken: false}
 *   when nothing can even start, and the 朗读 button says so).
 * - The clips: the certification subpackage registers its prompt audio (text → file path,
 *   src/packages/certify/audio/manifest.ts) through prompt-audio.ts; the main package never imports
 *   them.
 *
 * The plugin sends the text to WeChat's speech service: a text that looks like it holds an ID number
 * is never sent (its clip, or nothing).
 *
 * One utterance at a time: a new one stops the old one (its audio, its pending synthesis: a late
 * plugin answer for an old text is dropped). There is no user 朗读 on/off setting in the app yet;
 * speech only starts when a page or the 朗读 button asks.
 *
 * speak(text, {onEnd, onStart}) tells when the utterance is over (ended, failed, cut off by the
 * next one or by stopSpeaking()), so a caller can queue the next sentence instead of cutting this
 * one off; onStart tells when the sound actually starts (later than the call when the plugin has to
 * synthesise first). Headless browsers may never fire `end` for speechSynthesis: callers keep their
 * own time limit too.
 *
 * Speech log (for tests): when `globalThis.__ylSpeechLog` is an array, the text of every utterance
 * that is actually started (clip, plugin or voice) is appended to it. Production never sets it.
 */
import Taro from '@tarojs/taro'
import { currentPlatform } from './platform'

export interface SpeechAdapter {
  readonly available: boolean
  speak(text: string, onEnd?: () => void): boolean
  stop(): void
}

export interface SpeakOptions {
  /** Called once when this utterance is over (ended, failed, or cut off by another). */
  onEnd?: () => void
  /** Called at most once, before onEnd, when the sound of this utterance starts. */
  onStart?: () => void
}

interface SynthLike {
  cancel(): void
  speak(u: unknown): void
  getVoices?(): Array<{ lang: string }>
}

function browserAdapter(): SpeechAdapter {
  const w = typeof window !== 'undefined' ? (window as unknown as { speechSynthesis?: SynthLike; SpeechSynthesisUtterance?: new (t: string) => Record<string, unknown> }) : undefined
  const synth = w?.speechSynthesis
  const Utterance = w?.SpeechSynthesisUtterance
  if (!synth || !Utterance) return noopAdapter
  return {
    available: true,
    speak(text, onEnd) {
      try {
        synth.cancel()
        const u = new Utterance(text)
        u.lang = 'zh-CN'
        u.rate = 0.85
        if (onEnd) {
          u.onend = onEnd
          u.onerror = onEnd
        }
        const voice = synth.getVoices?.().find((v) => /^zh[-_]CN/i.test(v.lang))
        if (voice) u.voice = voice
        synth.speak(u)
        return true
      } catch {
        return false
      }
    },
    stop() {
      try {
        synth.cancel()
      } catch {
        // ignore
      }
    },
  }
}

const noopAdapter: SpeechAdapter = {
  available: false,
  speak: () => false,
  stop: () => undefined,
}

// ---- WechatSI (weapp) ---------------------------------------------------------------------------

/** The plugin's textToSpeech (mp.weixin.qq.com plugin docs of wx069ba97219f66d99). */
export interface WechatSIPlugin {
  textToSpeech(opts: {
    lang: 'zh_CN'
    content: string
    success?: (res: { retcode?: number; filename?: string; expired_time?: number }) => void
    fail?: (res: { retcode?: number; msg?: string }) => void
  }): void
}

/** The plugin refuses content over 1000 bytes (UTF-8). */
export const WECHATSI_MAX_BYTES = 1000
/** No answer from the plugin by then: play the clip (or nothing) instead of waiting. */
export const TTS_TIMEOUT_MS = 6000
/** A synthesised URL is used until this long before its expired_time. */
const URL_MARGIN_MS = 60_000

/** undefined: not looked up yet; null: the plugin is not declared in this build. */
let plugin: WechatSIPlugin | null | undefined
const ttsCache = new Map<string, { filename: string; expiresAt: number }>()

function wechatSI(): WechatSIPlugin | null {
  if (plugin !== undefined) return plugin
  plugin = null
  try {
    if (typeof Taro.requirePlugin !== 'function') return plugin
    // Written literally: miniprogram-ci's CONTAINS_UNUSED_PLUGINS check (weapp:check) looks for
    // requirePlugin('<name>') in the code. It throws for a plugin app.json does not declare (a build
    // without TARO_APP_WECHATSI); Taro answers undefined where there is no requirePlugin.
    const p = Taro.requirePlugin('WechatSI') as Partial<WechatSIPlugin> | undefined
    if (p && typeof p.textToSpeech === 'function') plugin = p as WechatSIPlugin
  } catch {
    plugin = null
  }
  return plugin
}

function utf8Bytes(s: string): number {
  let n = 0
  for (const ch of s) {
    const c = ch.codePointAt(0) ?? 0
    n += c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4
  }
  return n
}

/**
 * The text in parts of at most `maxBytes` UTF-8 bytes, cut after a sentence's end where possible,
 * else after a comma, else anywhere.
 */
export function splitForTts(text: string, maxBytes = WECHATSI_MAX_BYTES): string[] {
  const parts: string[] = []
  const pieces = text.match(/[^。！？；!?;\n]+[。！？；!?;\n]*/g) ?? [text]
  let cur = ''
  const push = (s: string) => {
    const t = s.trim()
    if (t) parts.push(t)
  }
  const add = (piece: string, level: number): void => {
    if (utf8Bytes(cur + piece) <= maxBytes) {
      cur += piece
      return
    }
    push(cur)
    cur = ''
    if (utf8Bytes(piece) <= maxBytes) {
      cur = piece
      return
    }
    if (level === 0) {
      for (const p of piece.match(/[^，、,：:]+[，、,：:]*/g) ?? [piece]) add(p, 1)
      return
    }
    for (const ch of piece) add(ch, 2)
  }
  for (const p of pieces) add(p, 0)
  push(cur)
  return parts
}

// ---- the adapter for the platform ---------------------------------------------------------------

/** weapp's voice is the plugin: speaking goes through startTts() (asynchronous), not this object. */
function weappAdapter(): SpeechAdapter {
  return wechatSI() ? { available: true, speak: () => false, stop: () => undefined } : noopAdapter
}

export function speechAdapter(): SpeechAdapter {
  return currentPlatform() === 'h5' ? browserAdapter() : weappAdapter()
}

export function speechAvailable(): boolean {
  return speechAdapter().available
}

// ---- the player: recorded clips and synthesised audio ------------------------------------------

interface AudioLike {
  src: string
  play(): unknown
  stop(): void
  destroy?(): void
  onError?(cb: (e: unknown) => void): void
  onEnded?(cb: () => void): void
}

let clips: Record<string, string> = {}
let player: AudioLike | null = null
/** What the player plays now: a clip, or part `part` of a synthesised text. */
let playing: { source: 'clip' | 'tts'; text: string; parts: string[]; part: number; token: number } | null = null
/** Bumped by every new utterance and by stopSpeaking(): a late plugin answer of an older one is dropped. */
let ttsToken = 0
let ttsTimer: ReturnType<typeof setTimeout> | null = null
/** The end callback of the utterance now playing (clip or voice); called at most once. */
let pendingEnd: (() => void) | null = null
let pendingStart: (() => void) | null = null
/** Whether the sound of the current utterance has started. */
let soundStarted = false

function takeEnd(): (() => void) | null {
  const f = pendingEnd
  pendingEnd = null
  pendingStart = null
  return f
}

function safely(f: (() => void) | null): void {
  if (!f) return
  try {
    f()
  } catch {
    // a caller's callback must not break speaking
  }
}

/** Ends the current utterance's wait (it finished, failed, or something else replaces it). */
function endCurrent(): void {
  safely(takeEnd())
}

/** The sound of the current utterance starts now. */
function startedCurrent(): void {
  soundStarted = true
  const f = pendingStart
  pendingStart = null
  safely(f)
}

/** Counts started utterances, so a late event of an earlier one ends nothing. */
let utteranceId = 0

/** An end callback that only fires while its utterance is still the current one. */
function ownEnd(): () => void {
  const mine = utteranceId
  return () => {
    if (mine === utteranceId) endCurrent()
  }
}

function logUtterance(text: string): void {
  const log = (globalThis as { __ylSpeechLog?: unknown }).__ylSpeechLog
  if (Array.isArray(log)) log.push(text)
}

/** Register recorded clips for fixed prompts (text → file path). Later registrations win. */
export function registerPromptAudio(manifest: Readonly<Record<string, string>>): void {
  const next: Record<string, string> = { ...clips }
  for (const [text, path] of Object.entries(manifest)) {
    if (typeof path === 'string' && path) next[text.trim()] = path
  }
  clips = next
}

export function hasPromptAudio(text: string): boolean {
  return Object.prototype.hasOwnProperty.call(clips, text.trim())
}

function audioPlayer(): AudioLike | null {
  if (player) return player
  try {
    // Called literally as Taro.createInnerAudioContext(): Taro's H5 build only provides APIs it sees
    // used that way (through a cast it was undefined, and H5 silently fell back to speechSynthesis).
    if (typeof Taro.createInnerAudioContext !== 'function') return null
    // weapp: play even when the iPhone's silent switch is on (a spoken prompt is the point).
    if (currentPlatform() !== 'h5') void Promise.resolve(Taro.setInnerAudioOption?.({ obeyMuteSwitch: false })).catch(() => undefined)
    const p = Taro.createInnerAudioContext() as unknown as AudioLike
    p.onError?.(() => onPlayerError())
    p.onEnded?.(() => onPlayerEnded())
    player = p
    return p
  } catch {
    return null
  }
}

function onPlayerEnded(): void {
  const now = playing
  if (now?.source === 'tts' && now.part + 1 < now.parts.length) {
    now.part++
    synthesise(now)
    return
  }
  playing = null
  endCurrent()
}

/** The file is missing, expired or cannot play. */
function onPlayerError(): void {
  const now = playing
  playing = null
  if (!now) return
  if (now.source === 'tts') {
    ttsCache.delete(now.parts[now.part])
    fallBackFromTts(now.text)
  } else {
    fallBackFromClip(now.text)
  }
}

/** H5: a clip could not play: say its text with the browser's voice instead, or give up. */
function fallBackFromClip(text: string): void {
  if (currentPlatform() !== 'h5' || !speechAdapter().speak(text, ownEnd())) endCurrent()
}

/** weapp: the plugin could not say it: its recorded clip if it has one, else the written text only. */
function fallBackFromTts(text: string): void {
  clearTtsTimer()
  if (!(hasPromptAudio(text) && playClip(text))) endCurrent()
}

function playSrc(src: string): boolean {
  const p = audioPlayer()
  if (!p) return false
  p.stop()
  p.src = src
  const started = p.play()
  startedCurrent()
  // H5 answers a promise that rejects when autoplay is not allowed: no error event comes then.
  if (started && typeof (started as Promise<void>).catch === 'function') {
    const mine = playing
    ;(started as Promise<void>).catch(() => {
      if (playing === mine) onPlayerError()
    })
  }
  return true
}

function playClip(text: string): boolean {
  const path = clips[text]
  if (!path || !audioPlayer()) return false
  try {
    if (currentPlatform() === 'h5') speechAdapter().stop()
    playing = { source: 'clip', text, parts: [text], part: 0, token: ttsToken }
    return playSrc(path)
  } catch {
    playing = null
    return false
  }
}

function clearTtsTimer(): void {
  if (ttsTimer !== null) clearTimeout(ttsTimer)
  ttsTimer = null
}

/** Asks the plugin for the current part (or takes it from the cache) and plays it. */
function synthesise(state: NonNullable<typeof playing>): void {
  const part = state.parts[state.part]
  const cached = ttsCache.get(part)
  if (cached && Date.now() < cached.expiresAt - URL_MARGIN_MS) {
    try {
      playSrc(cached.filename)
    } catch {
      onPlayerError()
    }
    return
  }
  const current = () => playing === state && state.token === ttsToken && state.parts[state.part] === part
  const fail = () => {
    if (!current()) return
    playing = null
    fallBackFromTts(state.text)
  }
  const p = wechatSI()
  if (!p) return fail()
  clearTtsTimer()
  ttsTimer = setTimeout(fail, TTS_TIMEOUT_MS)
  try {
    p.textToSpeech({
      lang: 'zh_CN',
      content: part,
      success: (res) => {
        const url = res && (res.retcode === undefined || res.retcode === 0) ? res.filename : undefined
        if (!url) return fail()
        if (typeof res.expired_time === 'number') ttsCache.set(part, { filename: url, expiresAt: res.expired_time * 1000 })
        if (!current()) return
        clearTtsTimer()
        try {
          playSrc(url)
        } catch {
          onPlayerError()
        }
      },
      fail: () => fail(),
    })
  } catch {
    fail()
  }
}

/** Something that looks like an ID number (18 or old 15 digits): never sent to WeChat's speech service. */
const ID_NUMBER = /\d{17}[\dXx]|\d{15}/

/** weapp with the plugin: starts saying the text (asynchronously); false when it cannot start. */
function startTts(text: string): boolean {
  if (ID_NUMBER.test(text) || !wechatSI() || !audioPlayer()) return false
  const parts = splitForTts(text)
  if (parts.length === 0) return false
  playing = { source: 'tts', text, parts, part: 0, token: ttsToken }
  synthesise(playing)
  return true
}

/** Stops whatever plays and forgets pending plugin answers. */
function stopPlayer(): void {
  ttsToken++
  clearTtsTimer()
  playing = null
  try {
    player?.stop()
  } catch {
    // ignore
  }
}

function startUtterance(t: string): boolean {
  if (currentPlatform() === 'h5') {
    if (hasPromptAudio(t) && playClip(t)) return true
    if (speechAdapter().speak(t, ownEnd())) {
      startedCurrent()
      return true
    }
    return false
  }
  return startTts(t) || (hasPromptAudio(t) && playClip(t))
}

/**
 * Reads the text aloud when the platform can; answers whether it did (or, with the plugin, started
 * to). Whatever was playing is cut off (its onEnd fires). onEnd is called only when the answer is
 * {spoken: true}.
 */
export function speak(text: string, opts: SpeakOptions = {}): { spoken: boolean } {
  const t = text.trim()
  if (!t) return { spoken: false }
  // Two parts of a page asking for the same sentence at once (a page's queue and its error banner):
  // say it once, not twice with a stutter; the later caller waits for its end.
  if (t === lastStarted.text && nowMs() - lastStarted.at < SAME_TEXT_MS) {
    endCurrent()
    pendingEnd = opts.onEnd ?? null
    if (soundStarted) safely(opts.onStart ?? null)
    else pendingStart = opts.onStart ?? null
    return { spoken: true }
  }
  endCurrent()
  stopPlayer()
  utteranceId++
  soundStarted = false
  pendingEnd = opts.onEnd ?? null
  pendingStart = opts.onStart ?? null
  if (!startUtterance(t)) {
    pendingEnd = null
    pendingStart = null
    return { spoken: false }
  }
  lastStarted = { text: t, at: nowMs() }
  logUtterance(t)
  return { spoken: true }
}

/** A sentence asked for again this soon after it started is the same utterance. */
const SAME_TEXT_MS = 1000
let lastStarted = { text: '', at: -Infinity }
const nowMs = () => Date.now()

export function stopSpeaking(): void {
  lastStarted = { text: '', at: -Infinity }
  endCurrent()
  stopPlayer()
  speechAdapter().stop()
}

/** Test hook: forget clips, the player, the plugin lookup and its cache. */
export function resetSpeechForTests(): void {
  clips = {}
  player = null
  playing = null
  pendingEnd = null
  pendingStart = null
  soundStarted = false
  plugin = undefined
  ttsCache.clear()
  clearTtsTimer()
  lastStarted = { text: '', at: -Infinity }
}
