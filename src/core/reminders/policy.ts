/**
 * Reminder policy (docs/reminders.md), pure calendar arithmetic over ISO dates in Beijing time.
 *
 * Due date. src/core/cycle.ts says a person must certify within their due MONTH (opensOn = its first
 * day, overdueFrom = the first day of the next month). For reminders the "due date" is the DEADLINE:
 * the last day of the due month. "30 days before" = deadline − 30; "first day overdue" = overdueFrom.
 *
 * Windows (catch-up). A kind is not only sent on its exact day: kind due_N is queued on any day with
 * N ≥ days-left > the next smaller offset (due_30: 30…8 days left, due_7: 7…2, due_1: 1…0), and
 * overdue_1 on overdue days 1…overdueWindowDays. So a missed timer run, a late subscription or a
 * person added to the roster mid-window still gets the reminder that fits the day, and never one
 * that was overtaken (a due_30 is never sent once due_7's window has started: see isLate()).
 */
import { addMonths, parseIsoDate, type CyclePolicy, type YearMonth } from '../cycle'

/** The templates the 订阅提醒 button asks for. */
export const REMINDER_TEMPLATES = ['certDue', 'certificationResult', 'relativeCertified'] as const
export type ReminderTemplate = (typeof REMINDER_TEMPLATES)[number]
/** Every subscribable template: the reminders' and 申诉进度通知, asked for when an appeal is filed. */
export const SUBSCRIPTION_TEMPLATES = [...REMINDER_TEMPLATES, 'appealUpdate'] as const
/** A subscribable template (what the person accepts in wx.requestSubscribeMessage). */
export type SubscriptionTemplate = (typeof SUBSCRIPTION_TEMPLATES)[number]

export const TEMPLATE_TITLES: Record<SubscriptionTemplate, string> = {
  certDue: '认证到期提醒',
  certificationResult: '认证结果通知',
  relativeCertified: '家人认证完成通知',
  appealUpdate: '申诉进度通知',
}

/** Kinds of outbox rows: due_<N>, overdue_1, result (to the person's own account), relative_result. */
export type ReminderKind = `due_${number}` | 'overdue_1' | 'result' | 'relative_result'

export function templateOfKind(kind: string): SubscriptionTemplate {
  if (kind === 'result') return 'certificationResult'
  if (kind === 'relative_result') return 'relativeCertified'
  if (kind === 'appeal') return 'appealUpdate'
  return 'certDue'
}

export interface ReminderPolicy {
  /** Days before the deadline, e.g. [30, 7, 1] (distinct, descending once normalised). */
  daysBefore: number[]
  /** Whether to send overdue_1 (the first day overdue). */
  overdue: boolean
  /** overdue_1 is still queued this many days into the overdue period (≥ 1). */
  overdueWindowDays: number
  /** Send window in Beijing time, minutes after midnight: [start, end). */
  sendWindow: { startMinute: number; endMinute: number }
  maxAttempts: number
  backoffBaseMs: number
  backoffMaxMs: number
}

export const DEFAULT_REMINDER_POLICY: ReminderPolicy = {
  daysBefore: [30, 7, 1],
  overdue: true,
  overdueWindowDays: 7,
  sendWindow: { startMinute: 9 * 60, endMinute: 20 * 60 },
  maxAttempts: 5,
  backoffBaseMs: 60_000,
  backoffMaxMs: 60 * 60_000,
}

export function normaliseDaysBefore(days: number[]): number[] {
  return [...new Set(days)].filter((d) => Number.isInteger(d) && d >= 0 && d <= 366).sort((a, b) => b - a)
}

// ───────────── dates ─────────────

const DAY_MS = 86_400_000

export function dayNumber(date: string): number {
  const { year, month, day } = parseIsoDate(date)
  return Date.UTC(year, month - 1, day) / DAY_MS
}

export function dateOfDayNumber(n: number): string {
  return new Date(n * DAY_MS).toISOString().slice(0, 10)
}

export function addDays(date: string, n: number): string {
  return dateOfDayNumber(dayNumber(date) + n)
}

export function daysBetween(from: string, to: string): number {
  return dayNumber(to) - dayNumber(from)
}

export function daysInMonth(ym: YearMonth): number {
  return new Date(Date.UTC(ym.year, ym.month, 0)).getUTCDate()
}

const pad = (n: number) => String(n).padStart(2, '0')

export function lastDayOf(ym: YearMonth): string {
  return `${ym.year}-${pad(ym.month)}-${pad(daysInMonth(ym))}`
}

/** The reminder "due date": the last day of the due month. */
export const deadlineOf = lastDayOf

/** Cycle id of a due month, as stored in the outbox key: "2026-11". */
export function cycleId(ym: YearMonth): string {
  return `${ym.year}-${pad(ym.month)}`
}

export function parseCycleId(id: string): YearMonth {
  const m = /^(\d{4})-(\d{2})$/.exec(id)
  if (!m) throw new RangeError(`not a cycle id: ${id}`)
  return { year: Number(m[1]), month: Number(m[2]) }
}

function monthOf(date: string): YearMonth {
  const { year, month } = parseIsoDate(date)
  return { year, month }
}

/** Due months whose deadline falls within [from, to] (inclusive dates). */
export function dueMonthsWithDeadlineBetween(from: string, to: string): YearMonth[] {
  if (from > to) return []
  const out: YearMonth[] = []
  let ym = monthOf(from)
  const last = monthOf(to)
  while (ym.year * 12 + ym.month <= last.year * 12 + last.month) {
    const d = lastDayOf(ym)
    if (d >= from && d <= to) out.push(ym)
    ym = addMonths(ym, 1)
  }
  return out
}

// ───────────── kinds and windows ─────────────

export interface KindWindow {
  kind: ReminderKind
  /** due_N: days left before the deadline, inclusive [min, max]; overdue: days overdue (overdueFrom = 1). */
  min: number
  max: number
  overdue: boolean
}

export function kindWindows(policy: ReminderPolicy): KindWindow[] {
  const days = normaliseDaysBefore(policy.daysBefore)
  const out: KindWindow[] = days.map((d, i) => ({ kind: `due_${d}` as ReminderKind, max: d, min: i + 1 < days.length ? days[i + 1] + 1 : 0, overdue: false }))
  if (policy.overdue) out.push({ kind: 'overdue_1', min: 1, max: Math.max(1, policy.overdueWindowDays), overdue: true })
  return out
}

export function reminderKinds(policy: ReminderPolicy): ReminderKind[] {
  return kindWindows(policy).map((w) => w.kind)
}

/** What the daily sweep queues on `today`: each kind with the due months it applies to. */
export interface SweepTarget {
  kind: ReminderKind
  dueMonth: YearMonth
  deadline: string
}

export function sweepTargets(today: string, policy: ReminderPolicy): SweepTarget[] {
  const out: SweepTarget[] = []
  for (const w of kindWindows(policy)) {
    // due: deadline − today ∈ [min, max]; overdue: today − deadline ∈ [min, max].
    const [from, to] = w.overdue ? [addDays(today, -w.max), addDays(today, -w.min)] : [addDays(today, w.min), addDays(today, w.max)]
    for (const dueMonth of dueMonthsWithDeadlineBetween(from, to)) out.push({ kind: w.kind, dueMonth, deadline: lastDayOf(dueMonth) })
  }
  return out
}

/** The kind whose window holds `today` for a due month, if any. */
export function kindFor(dueMonth: YearMonth, today: string, policy: ReminderPolicy): ReminderKind | undefined {
  return sweepTargets(today, policy).find((t) => t.dueMonth.year === dueMonth.year && t.dueMonth.month === dueMonth.month)?.kind
}

/**
 * True when a queued due/overdue row should no longer be sent on `today` because its window is over
 * (e.g. a due_30 not sent before due_7's window started). Result notices are never late.
 */
export function isLate(kind: string, dueMonth: YearMonth, today: string, policy: ReminderPolicy): boolean {
  const w = kindWindows(policy).find((k) => k.kind === kind)
  if (!w) return false
  const deadline = lastDayOf(dueMonth)
  return w.overdue ? daysBetween(deadline, today) > w.max : daysBetween(today, deadline) < w.min
}

/**
 * Which persons have `dueMonth` as their due month under the cycle policy (mirror of nextCycle and
 * firstCycle in src/core/cycle.ts, as date ranges for an indexed query):
 *  - certified: last pass date within [from, to];
 *  - never certified: enrolled_on within [from, to] (firstCycle: due in the month they joined).
 * undefined ranges: nobody with a last pass has that due month (calendarYear: only December).
 */
export interface DueMonthSources {
  lastPassBetween?: [string, string]
  enrolledBetween: [string, string]
}

export function dueMonthSources(dueMonth: YearMonth, policy: CyclePolicy): DueMonthSources {
  const enrolledBetween: [string, string] = [`${dueMonth.year}-${pad(dueMonth.month)}-01`, lastDayOf(dueMonth)]
  if (policy === 'calendarYear') {
    if (dueMonth.month !== 12) return { enrolledBetween }
    const y = dueMonth.year - 1
    return { lastPassBetween: [`${y}-01-01`, `${y}-12-31`], enrolledBetween }
  }
  const passMonth = addMonths(dueMonth, policy === 'rolling6' ? -6 : -12)
  return { lastPassBetween: [`${passMonth.year}-${pad(passMonth.month)}-01`, lastDayOf(passMonth)], enrolledBetween }
}

// ───────────── send window, backoff ─────────────

/** Minutes after midnight in Beijing time. */
export function beijingMinuteOf(at: Date): number {
  const shifted = new Date(at.getTime() + 8 * 3_600_000)
  return shifted.getUTCHours() * 60 + shifted.getUTCMinutes()
}

export function beijingDateOf(at: Date): string {
  return new Date(at.getTime() + 8 * 3_600_000).toISOString().slice(0, 10)
}

export function inSendWindow(at: Date, policy: ReminderPolicy): boolean {
  const m = beijingMinuteOf(at)
  const { startMinute, endMinute } = policy.sendWindow
  return startMinute <= endMinute ? m >= startMinute && m < endMinute : m >= startMinute || m < endMinute
}

/** "09:00-20:00" → minutes; undefined when malformed. "00:00-24:00" means always. */
export function parseSendWindow(text: string): { startMinute: number; endMinute: number } | undefined {
  const m = /^([01]\d|2[0-4]):([0-5]\d)-([01]\d|2[0-4]):([0-5]\d)$/.exec(text.trim())
  if (!m) return undefined
  const start = Number(m[1]) * 60 + Number(m[2])
  const end = Number(m[3]) * 60 + Number(m[4])
  if (start > 24 * 60 || end > 24 * 60 || start === end) return undefined
  return { startMinute: start, endMinute: end }
}

/** Delay before retry number `attempts` (1 = first retry): base · 2^(attempts−1), capped. */
export function backoffMs(attempts: number, policy: ReminderPolicy): number {
  return Math.min(policy.backoffMaxMs, policy.backoffBaseMs * 2 ** Math.max(0, attempts - 1))
}

// ───────────── send outcomes ─────────────

/** Our own codes for failures that are not WeChat's. */
export const NOT_SENT_NETWORK = -2
/** The call timed out or the connection broke after the request left: WeChat may have delivered it. */
export const OUTCOME_UNKNOWN = -3

export type SendOutcome =
  | { status: 'sent' }
  | { status: 'refused' } // 43101: no credit / unsubscribed → credit cleared, not retried
  | { status: 'invalid'; field?: string } // 47003 → logged loudly, not retried
  | { status: 'retry' } // transient: -1, 5xx, not sent (network) → backoff
  | { status: 'unknown' } // may have been delivered: never retried (at-most-once)
  | { status: 'failed' } // permanent: bad openid/template/page, anything else

export function classifySend(errcode: number, errmsg = ''): SendOutcome {
  if (errcode === 0) return { status: 'sent' }
  if (errcode === 43101) return { status: 'refused' }
  if (errcode === 47003) {
    const m = /data\.([A-Za-z_]+\d+)\.value/.exec(errmsg)
    return m ? { status: 'invalid', field: m[1] } : { status: 'invalid' }
  }
  if (errcode === -1 || errcode === NOT_SENT_NETWORK || (errcode >= 500 && errcode <= 599) || errcode === 45009) return { status: 'retry' }
  if (errcode === OUTCOME_UNKNOWN) return { status: 'unknown' }
  return { status: 'failed' }
}
