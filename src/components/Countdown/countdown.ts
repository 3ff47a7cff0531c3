/**
 * The calm per-action countdown: a bar that shrinks slowly, and the remaining seconds as words only in
 * the last part of the attempt (never a number racing down from 15). Pure.
 */
export interface CountdownView {
  /** 1 at the start of the attempt, 0 at its end. */
  fraction: number
  remainingMs: number
  /** Whole seconds left, shown only in the last part; null before that. */
  seconds: number | null
}

/** Seconds appear only in the last third of the attempt, and never more than this many. */
export const COUNTDOWN_SHOW_SECONDS_MS = 5000

export function countdownView(startedAt: number, durationMs: number, now: number): CountdownView {
  if (!(durationMs > 0)) return { fraction: 1, remainingMs: 0, seconds: null }
  const remainingMs = Math.max(0, Math.min(durationMs, startedAt + durationMs - now))
  const showFrom = Math.min(COUNTDOWN_SHOW_SECONDS_MS, durationMs / 3)
  const seconds = remainingMs > 0 && remainingMs <= showFrom ? Math.ceil(remainingMs / 1000) : null
  // Quantised to 1/30 so the bar moves in small calm steps and a re-render is rare.
  const fraction = Math.round((remainingMs / durationMs) * 30) / 30
  return { fraction, remainingMs, seconds }
}

export function countdownWords(v: CountdownView): string {
  return v.seconds === null ? '' : `还有 ${v.seconds} 秒`
}
