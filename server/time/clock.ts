/** Time as the backend sees it: an injectable clock, Beijing calendar dates, ISO timestamps. */
import { boundedMemo } from '../support/bounded-memo'

export type Clock = () => Date

export const systemClock: Clock = () => new Date()

const SHANGHAI_OFFSET_MS = 8 * 60 * 60 * 1000 // China has no daylight saving time

/** YYYY-MM-DD in Asia/Shanghai. */
export function shanghaiDate(at: Date): string {
  return new Date(at.getTime() + SHANGHAI_OFFSET_MS).toISOString().slice(0, 10)
}

/**
 * Midnight at the start of a Beijing calendar date, as a UTC ISO timestamp. Remembered per date: a
 * status read converts the roster's 上次认证日期 each time.
 */
export const shanghaiMidnightIso: (date: string) => string = boundedMemo((date: string) => new Date(Date.parse(`${date}T00:00:00+08:00`)).toISOString(), 4096)

export const isoNow = (clock: Clock): string => clock().toISOString()
