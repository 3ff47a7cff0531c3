/** Calendar dates as people read them and as inputs must be (pure; no time zone but Beijing's +8). */

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/

/** A real calendar day written YYYY-MM-DD (the pattern alone lets 2026-02-30 through). */
export function isCalendarDate(value: unknown): value is string {
  if (typeof value !== 'string') return false
  const m = ISO_DATE.exec(value)
  if (!m) return false
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])]
  const date = new Date(Date.UTC(y, mo - 1, d))
  return date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d
}

/** Dates shown to people, in China time: 2026-03-05 (or an instant) → 2026年3月5日. */
export function formatChinaDate(iso: string): string {
  const plain = ISO_DATE.exec(iso)
  let y: number, m: number, d: number
  if (plain) {
    ;[y, m, d] = [Number(plain[1]), Number(plain[2]), Number(plain[3])]
  } else {
    const t = Date.parse(iso)
    if (Number.isNaN(t)) return iso
    const c = new Date(t + 8 * 3600 * 1000)
    ;[y, m, d] = [c.getUTCFullYear(), c.getUTCMonth() + 1, c.getUTCDate()]
  }
  return `${y}年${m}月${d}日`
}
