/** How dates and numbers read in the console (the clerk's browser runs on Beijing time). */
import dayjs from 'dayjs'

export const fmtDateTime = (iso: string | null | undefined) => (iso ? dayjs(iso).format('YYYY-MM-DD HH:mm') : '—')
export const fmtDate = (iso: string | null | undefined) => (iso ? dayjs(iso).format('YYYY-MM-DD') : '—')
export const fmtCount = (n: number | null | undefined) => (n === null || n === undefined ? '—' : n.toLocaleString('zh-CN'))
/** A fresh id for an idempotent form submission (the same id on a retry gives the same record). */
export const newRequestId = () => crypto.randomUUID()
/** A next-due date (first day of the due month) as the month a clerk says: 2027-12-01 → 2027年12月. */
export const fmtDueMonth = (iso: string | null | undefined) => (iso ? dayjs(iso).format('YYYY年M月') : '—')
