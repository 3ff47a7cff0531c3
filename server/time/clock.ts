/** Time as the backend sees it: an injectable clock, Beijing calendar dates, ISO timestamps. */
export type Clock = () => Date

export const systemClock: Clock = () => new Date()

const SHANGHAI_OFFSET_MS = 8 * 60 * 60 * 1000 // China has no daylight saving time

/** YYYY-MM-DD in Asia/Shanghai. */
export function shanghaiDate(at: Date): string {
  return new Date(at.getTime() + SHANGHAI_OFFSET_MS).toISOString().slice(0, 10)
}

/** Beijing midnights already worked out, by date (a status read converts the roster's 上次认证日期 each time). */
const midnights = new Map<string, string>()
const MIDNIGHTS_KEPT = 4096

/** Midnight at the start of a Beijing calendar date, as a UTC ISO timestamp. */
export function shanghaiMidnightIso(date: string): string {
  let iso = midnights.get(date)
  if (iso === undefined) {
    iso = new Date(Date.parse(`${date}T00:00:00+08:00`)).toISOString()
    if (midnights.size >= MIDNIGHTS_KEPT) midnights.clear()
    midnights.set(date, iso)
  }
  return iso
}

export const isoNow = (clock: Clock): string => clock().toISOString()
