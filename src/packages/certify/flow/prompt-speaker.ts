/**
 * Speaks the camera page's sentences one after another at a calm pace, and drops none that still
 * matter:
 *  - a queue, in order: the next sentence starts when the one playing has ended (the speech layer's
 *    onEnd) plus `pauseMs`, and never sooner than `minGapMs` after the previous start. Headless
 *    browsers may never report the end, so a sentence is taken as over after an estimate of its
 *    length (`msPerChar` per character, generous), counted from the sound's start when the speech
 *    layer reports it (`reportsStart`: weapp's WechatSI plugin first fetches the audio);
 *  - 'prompt' starts a new step: sentences still waiting from the step before (its hints, its step
 *    counter, its countdown) are no longer on the screen and are dropped; the new step's sentences
 *    are queued in the order given;
 *  - 'hint': only the latest hint waits (a newer one replaces it; '' withdraws it), behind the step's
 *    prompt, so a hint never pushes out an action prompt;
 *  - 'info' (the countdown): said next, ahead of whatever waits (it is about now), dropped with its step;
 *  - 'status' (正在准备…, the positioning instruction): like 'prompt', but what follows does not wait
 *    for it: a passing state must never hold back the instruction that comes after it;
 *  - `{ interrupt: true }`: a new stage (the actions are over): what plays now is cut short;
 *  - the same text is not queued twice, nor said again within `repeatAfterMs`; a prompt that comes
 *    again later (the engine's retry after a timeout) is said again;
 *  - repeat() (the 再说一遍 button) says the current step's sentences again at once.
 * Pure apart from the injected clock/timers and the speak function.
 */

export type UtteranceKind = 'prompt' | 'status' | 'hint' | 'info'

export interface SpeakerClock {
  now(): number
  setTimeout(fn: () => void, ms: number): unknown
  clearTimeout(handle: unknown): void
}

/**
 * Starts saying `text`; calls `done` once when it is over, and `started` when its sound starts (may
 * be later: the WechatSI plugin synthesises first). Answers false when nothing could be said (then
 * the queue goes on without waiting).
 */
export type SpeakFn = (text: string, done: () => void, started: () => void) => boolean | void

export interface PromptSpeakerOptions {
  speak: SpeakFn
  minGapMs?: number
  pauseMs?: number
  repeatAfterMs?: number
  msPerChar?: number
  /**
   * The speak function reports when the sound starts (`started`): a sentence's estimated length
   * then counts from its start, and the wait for the start is capped by `startWaitMs`.
   */
  reportsStart?: boolean
  startWaitMs?: number
  clock?: SpeakerClock
}

export const SPEECH_MIN_GAP_MS = 2500
export const SPEECH_PAUSE_MS = 600
export const SPEECH_REPEAT_AFTER_MS = 8000
/**
 * Only for a voice that never reports its end: the browser's voice reads about 4 characters a second
 * (the recorded clips report their end).
 */
export const SPEECH_MS_PER_CHAR = 330
/** Longest wait for a sentence's sound to start (the speech service gives up on the plugin sooner). */
export const SPEECH_START_WAIT_MS = 8000

const realClock: SpeakerClock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
}

interface Item {
  text: string
  kind: UtteranceKind
  step: number
}

export class PromptSpeaker {
  private readonly speakFn: SpeakFn
  private readonly minGap: number
  private readonly pause: number
  private readonly repeatAfter: number
  private readonly msPerChar: number
  private readonly reportsStart: boolean
  private readonly startWait: number
  private readonly clock: SpeakerClock
  private queue: Item[] = []
  /** Bumped by every 'prompt': items of an older step are stale. */
  private step = 0
  private current: string[] = []
  private lastText = ''
  private lastAt = -Infinity
  /** When the utterance playing is (taken as) over; Infinity while it plays and no estimate ran out. */
  private busyUntil = -Infinity
  /** The kind of the last utterance started (a status neither holds the next prompt nor spaces it). */
  private lastKind: UtteranceKind | null = null
  private utterance = 0
  private timer: unknown = null
  private stopped = false

  constructor(opts: PromptSpeakerOptions) {
    this.speakFn = opts.speak
    this.minGap = opts.minGapMs ?? SPEECH_MIN_GAP_MS
    this.pause = opts.pauseMs ?? SPEECH_PAUSE_MS
    this.repeatAfter = opts.repeatAfterMs ?? SPEECH_REPEAT_AFTER_MS
    this.msPerChar = opts.msPerChar ?? SPEECH_MS_PER_CHAR
    this.reportsStart = opts.reportsStart ?? false
    this.startWait = opts.startWaitMs ?? SPEECH_START_WAIT_MS
    this.clock = opts.clock ?? realClock
  }

  /** Queues one sentence, or (for a 'prompt') the new step's sentences in order. */
  say(raw: string | readonly string[], kind: UtteranceKind = 'prompt', opts: { interrupt?: boolean } = {}): void {
    if (this.stopped) return
    const texts = (typeof raw === 'string' ? [raw] : raw).map((t) => t.trim()).filter(Boolean)
    if (kind === 'prompt' || kind === 'status') {
      if (texts.length === 0) return
      if (opts.interrupt || this.lastKind === 'status') this.cutShort()
      this.step++
      this.current = texts
      this.queue = this.queue.filter((q) => q.step === this.step)
      for (const text of texts) this.enqueue({ text, kind, step: this.step })
    } else if (kind === 'hint') {
      this.queue = this.queue.filter((q) => q.kind !== 'hint')
      for (const text of texts) this.enqueue({ text, kind, step: this.step })
    } else {
      const now = texts.filter((text) => !this.queue.some((q) => q.text === text)).map((text) => ({ text, kind, step: this.step }))
      this.queue = [...now, ...this.queue]
    }
    this.pump()
  }

  /** The person asked to hear the current step again: at once, cutting off what plays. */
  repeat(): void {
    if (this.stopped || this.current.length === 0) return
    this.clearTimer()
    const again = this.current.map((text) => ({ text, kind: 'prompt' as const, step: this.step }))
    this.queue = [...again, ...this.queue.filter((q) => !this.current.includes(q.text))]
    this.busyUntil = -Infinity
    this.lastAt = -Infinity
    this.lastText = ''
    this.pump()
  }

  /** The passing sentence playing now gives way: the next one may start at once. */
  private cutShort(): void {
    this.clearTimer()
    this.utterance++
    this.lastKind = null
    this.busyUntil = -Infinity
    this.lastAt = -Infinity
  }

  /** Stop for good (page left, flow finished). */
  stop(): void {
    this.stopped = true
    this.queue = []
    this.clearTimer()
  }

  /** Sentences waiting to be said (for tests and diagnostics). */
  get waiting(): string[] {
    return this.queue.map((q) => q.text)
  }

  private enqueue(item: Item): void {
    if (this.queue.some((q) => q.text === item.text)) return
    this.queue.push(item)
  }

  private fresh(text: string, now: number): boolean {
    return text === this.lastText && now - this.lastAt < this.repeatAfter
  }

  private pump(): void {
    if (this.stopped || this.timer !== null) return
    const now = this.clock.now()
    // A repeat of what was just said is not worth saying again (and does not hold the queue).
    while (this.queue.length > 0 && this.fresh(this.queue[0].text, now)) this.queue.shift()
    if (this.queue.length === 0) return
    const at = Math.max(this.lastAt + this.minGap, this.busyUntil)
    if (at > now) {
      // busyUntil is Infinity while an utterance plays without an end yet: its onEnd or estimate pumps.
      if (Number.isFinite(at)) this.timer = this.clock.setTimeout(() => this.onTimer(), at - now)
      return
    }
    const item = this.queue.shift() as Item
    this.utter(item.text, item.kind, now)
  }

  private onTimer(): void {
    this.timer = null
    this.pump()
  }

  private utter(text: string, kind: UtteranceKind, now: number): void {
    const id = ++this.utterance
    this.lastText = text
    this.lastAt = now
    this.busyUntil = Infinity
    this.lastKind = kind
    let ended = false
    const done = () => {
      if (ended || id !== this.utterance) return
      ended = true
      this.busyUntil = this.clock.now() + this.pause
      this.clearTimer()
      this.pump()
    }
    // Taken as over after its estimated length when the speech layer never says so; a layer that
    // reports the start gets that long from the start (and startWait to start at all).
    const length = this.estimateMs(text)
    let estimate = this.clock.setTimeout(done, this.reportsStart ? length + this.startWait : length)
    let soundStarted = false
    let started: boolean | void = false
    try {
      started = this.speakFn(
        text,
        () => {
          this.clock.clearTimeout(estimate)
          done()
        },
        () => {
          if (soundStarted || ended || id !== this.utterance) return
          soundStarted = true
          this.clock.clearTimeout(estimate)
          estimate = this.clock.setTimeout(done, length)
        },
      )
    } catch {
      started = false
    }
    if (started === false) {
      // Nothing is playing: go on after the gap (the text is on the screen).
      this.clock.clearTimeout(estimate)
      done()
    }
  }

  private estimateMs(text: string): number {
    return text.replace(/[\s，。、：；！？,.:;!?]/g, '').length * this.msPerChar + 400
  }

  private clearTimer(): void {
    if (this.timer !== null) this.clock.clearTimeout(this.timer)
    this.timer = null
  }
}
