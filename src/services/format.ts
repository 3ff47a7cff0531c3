/** Dates shown to people, in China time: 2026年3月5日. */
export function formatChinaDate(iso: string): string {
  const plain = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso)
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
