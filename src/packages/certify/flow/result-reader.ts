/**
 * Reads a page aloud once when it opens. With a voice (H5 speechSynthesis, or weapp's WechatSI plugin
 * when the build declares it) the whole text is ONE utterance, so nothing depends on end events
 * (headless browsers may never send them) and nothing is cut off. Without a voice (weapp without the
 * plugin) only recorded clips can sound: the page's clip sentences are played one after another, each
 * on the previous one's end.
 * Pure apart from the injected speech functions.
 */
import type { SpeakOptions } from '@/services/speech'

export interface ReaderDeps {
  speak(text: string, opts?: SpeakOptions): { spoken: boolean }
  hasVoice(): boolean
  hasClip(text: string): boolean
}

/** Starts reading; the answer stops the clip chain (the page was left). */
export function readPageAloud(text: string, clips: readonly string[], deps: ReaderDeps): () => void {
  let stopped = false
  if (deps.hasVoice()) {
    deps.speak(text)
    return () => {
      stopped = true
    }
  }
  const queue = clips.filter((c) => deps.hasClip(c))
  const next = (): void => {
    const t = queue.shift()
    if (stopped || t === undefined) return
    if (!deps.speak(t, { onEnd: next }).spoken) next()
  }
  next()
  return () => {
    stopped = true
  }
}
