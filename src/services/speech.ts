/**
 * speak(text): every prompt is written and spoken.
 *
 * - H5: window.speechSynthesis with a zh-CN voice, slowed down for older listeners.
 * - weapp: a documented no-op for now. The production adapter will use the WechatSI plugin
 *   (微信同声传译, `plugin.textToSpeech({lang: 'zh_CN', content})` → an mp3 URL played through
 *   Taro.createInnerAudioContext); that needs the plugin declared in app.config.ts
 *   (`plugins: {WechatSI: {version, provider: 'wx069ba97219f66d99'}}`) and a real appid, so it is
 *   not wired yet. Until then speak() answers {spoken: false} and the 朗读 button says so.
 */
import { currentPlatform } from './platform'

export interface SpeechAdapter {
  readonly available: boolean
  speak(text: string): boolean
  stop(): void
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
    speak(text) {
      try {
        synth.cancel()
        const u = new Utterance(text)
        u.lang = 'zh-CN'
        u.rate = 0.85
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

/** Reads the text aloud when the platform can; answers whether it did. */
export function speak(text: string): { spoken: boolean } {
  const t = text.trim()
  if (!t) return { spoken: false }
  return { spoken: speechAdapter().speak(t) }
}

export function stopSpeaking(): void {
  speechAdapter().stop()
}
