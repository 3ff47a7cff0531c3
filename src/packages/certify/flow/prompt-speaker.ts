/**
 * Speaks the camera page's prompts and coaching hints at a calm pace:
 *  - never two utterances closer than `minGapMs` (default 2.5 s): a newer text waits, and only the
 *    latest waiting text is spoken (an action prompt is never pushed out by a hint);
 *  - the same text is not repeated within `repeatAfterMs` (default 8 s); a prompt that comes again
 *    later (the engine's retry after a timeout) is spoken again;
 *  - repeat() (the 再说一遍 button) says the current prompt at once.
 * Pure apart from the injected clock/timers and the speak function.
 */

export type UtteranceKind = 'prompt' | 'hint'

export interface SpeakerClock {
  now(): number
  setTimeout(fn: () => void, ms: number): unknown
  clearTimeout(handle: unknown): void
}

export interface PromptSpeakerOptions {
  speak: (text: string) => void
  minGapMs?: number
  repeatAfterMs?: number
  clock?: SpeakerClock
}

export const SPEECH_MIN_GAP_MS = 2500
export const SPEECH_REPEAT_AFTER_MS = 8000

const realClock: SpeakerClock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
}

export class PromptSpeaker {
  private readonly speakFn: (text: string) => void
  private readonly minGap: number
  private readonly repeatAfter: number
  private readonly clock: SpeakerClock
  private lastText = ''
  private lastAt = -Infinity
  private pending: { text: string; kind: UtteranceKind } | null = null
  private timer: unknown = null
  private currentPrompt = ''
  private stopped = false

  constructor(opts: PromptSpeakerOptions) {
    this.speakFn = opts.speak
    this.minGap = opts.minGapMs ?? SPEECH_MIN_GAP_MS
    this.repeatAfter = opts.repeatAfterMs ?? SPEECH_REPEAT_AFTER_MS
    this.clock = opts.clock ?? realClock
  }

  say(raw: string, kind: UtteranceKind = 'prompt'): void {
    const text = raw.trim()
    if (!text || this.stopped) return
    if (kind === 'prompt') this.currentPrompt = text
    const now = this.clock.now()
    if (text === this.lastText && now - this.lastAt < this.repeatAfter) return
    if (this.pending?.text === text) return
    if (this.pending === null && now - this.lastAt >= this.minGap) {
      this.utter(text, now)
      return
    }
    // Wait for the gap. A waiting action prompt is not replaced by a hint.
    if (this.pending && this.pending.kind === 'prompt' && kind === 'hint') return
    this.pending = { text, kind }
    this.schedule(now)
  }

  /** The person asked to hear the current prompt again. */
  repeat(): void {
    if (this.stopped || !this.currentPrompt) return
    this.clearTimer()
    this.pending = null
    this.utter(this.currentPrompt, this.clock.now())
  }

  /** Stop for good (page left, flow finished). */
  stop(): void {
    this.stopped = true
    this.pending = null
    this.clearTimer()
  }

  private utter(text: string, now: number): void {
    this.lastText = text
    this.lastAt = now
    try {
      this.speakFn(text)
    } catch {
      // speaking is best effort; the text is on the screen
    }
  }

  private schedule(now: number): void {
    if (this.timer !== null) return
    const wait = Math.max(0, this.lastAt + this.minGap - now)
    this.timer = this.clock.setTimeout(() => {
      this.timer = null
      const p = this.pending
      this.pending = null
      if (!p || this.stopped) return
      const t = this.clock.now()
      if (p.text === this.lastText && t - this.lastAt < this.repeatAfter) return
      this.utter(p.text, t)
    }, wait)
  }

  private clearTimer(): void {
    if (this.timer !== null) this.clock.clearTimeout(this.timer)
    this.timer = null
  }
}
