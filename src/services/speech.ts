/**
 * speak(text): every prompt is written and spoken.
 *
 * - Recorded clips first: the certification subpackage registers its prompt audio (text → file path,
 *   src/packages/certify/audio/manifest.ts) with registerPromptAudio(); a text that has a clip is
 *   played through Taro.createInnerAudioContext (InnerAudioContext on weapp, an HTMLAudioElement on
 *   H5). The main package never imports the clips. If a clip fails to play, H5 falls back to
 *   speechSynthesis for that text.
 * - H5: window.speechSynthesis with a zh-CN voice, slowed down for older listeners.
 * - weapp: a documented no-op for now. The production adapter will use the WechatSI plugin
 *   (微信同声传译, `plugin.textToSpeech({lang: 'zh_CN', content})` → an mp3 URL played through
 *   Taro.createInnerAudioContext); that needs the plugin declared in app.config.ts
 *   (`plugins: {WechatSI: {version, provider: 'wx069ba97219f66d99'}}`) and a real appid, so it is
 *   not wired yet. Until then speak() answers {spoken: false} and the 朗读 button says so.
 *
 * speak(text, {onEnd}) tells when the utterance is over (ended, failed, cut off by the next one or by
 * stopSpeaking()), so a caller can queue the next sentence instead of cutting this one off. Headless
 * browsers may never fire `end` for speechSynthesis: callers keep their own time limit too.
 *
 * Speech log (for tests): when `globalThis.__ylSpeechLog` is an array, the text of every utterance
 * that is actually started (clip or voice) is appended to it. Production never sets it.
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

export function speechAdapter(): SpeechAdapter {
  return currentPlatform() === 'h5' ? browserAdapter() : noopAdapter
}

export function speechAvailable(): boolean {
  return speechAdapter().available
}

// ---- recorded prompt clips ----------------------------------------------------------------------

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
let playingText = ''
/** The end callback of the utterance now playing (clip or voice); called at most once. */
let pendingEnd: (() => void) | null = null

function takeEnd(): (() => void) | null {
  const f = pendingEnd
  pendingEnd = null
  return f
}

/** Ends the current utterance's wait (it finished, failed, or something else replaces it). */
function endCurrent(): void {
  const f = takeEnd()
  if (!f) return
  try {
    f()
  } catch {
    // a caller's callback must not break speaking
  }
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

/** The clip could not play: say its text with the browser's voice instead (H5), or give up. */
function fallBackToVoice(): void {
  const text = playingText
  playingText = ''
  if (!text || !speechAdapter().speak(text, ownEnd())) endCurrent()
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
    // The file is missing or cannot play: say it with the browser's voice instead (H5).
    p.onError?.(() => fallBackToVoice())
    p.onEnded?.(() => {
      playingText = ''
      endCurrent()
    })
    player = p
    return p
  } catch {
    return null
  }
}

function playClip(text: string): boolean {
  const path = clips[text]
  const p = audioPlayer()
  if (!path || !p) return false
  try {
    speechAdapter().stop()
    p.stop()
    playingText = text
    p.src = path
    const started = p.play()
    // H5 answers a promise that rejects when autoplay is not allowed: no error event comes then.
    if (started && typeof (started as Promise<void>).catch === 'function') {
      ;(started as Promise<void>).catch(() => {
        if (playingText === text) fallBackToVoice()
      })
    }
    return true
  } catch {
    playingText = ''
    return false
  }
}

/**
 * Reads the text aloud when the platform can; answers whether it did. Whatever was playing is cut
 * off (its onEnd fires). onEnd is called only when the answer is {spoken: true}.
 */
export function speak(text: string, opts: SpeakOptions = {}): { spoken: boolean } {
  const t = text.trim()
  if (!t) return { spoken: false }
  // Two parts of a page asking for the same sentence at once (a page's queue and its error banner):
  // say it once, not twice with a stutter; the later caller waits for its end.
  if (t === lastStarted.text && nowMs() - lastStarted.at < SAME_TEXT_MS) {
    endCurrent()
    pendingEnd = opts.onEnd ?? null
    return { spoken: true }
  }
  endCurrent()
  utteranceId++
  pendingEnd = opts.onEnd ?? null
  const spoken = (hasPromptAudio(t) && playClip(t)) || speechAdapter().speak(t, ownEnd())
  if (!spoken) {
    pendingEnd = null
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
  playingText = ''
  try {
    player?.stop()
  } catch {
    // ignore
  }
  speechAdapter().stop()
}

/** Test hook: forget clips and the player. */
export function resetSpeechForTests(): void {
  clips = {}
  player = null
  playingText = ''
  pendingEnd = null
  lastStarted = { text: '', at: -Infinity }
}
