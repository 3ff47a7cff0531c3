/**
 * Template data builders: the only place message text is made. Every value they return satisfies
 * WeChat's field rules (fields.ts) for ANY input name and date — property-tested.
 *
 * Names are masked in pushed messages: the recipient may be the person or a linked relative, and a
 * notification shows on a lock screen. 王秀英 → 王某英, 李四 → 李某, 阿依古丽·买买提 → 阿某提. "某" (not "*")
 * keeps the value pure Chinese, which the `name` type requires; a first/last character outside the
 * basic CJK block (rare characters, ·) becomes 某 too, so every phone can show it.
 *
 * Field keys (thing4, date2…) are those of the library templates we chose (docs/reminders.md); a
 * deployment that picks other templates changes TEMPLATE_FIELDS and the builders here.
 */
import { BASIC_HAN, cp, type TemplateData } from './fields'
import { daysBetween, lastDayOf, parseCycleId, type ReminderKind, type SubscriptionTemplate } from './policy'
import { REJECTED_NEXT_STEP } from '../contracts/agency/review'

export const TEMPLATE_FIELDS: Record<SubscriptionTemplate, readonly string[]> = {
  certDue: ['name1', 'date2', 'phrase3', 'thing4', 'character_string5'],
  certificationResult: ['name1', 'phrase2', 'time3', 'thing4'],
  relativeCertified: ['name1', 'phrase2', 'time3', 'thing4'],
  appealUpdate: ['name1', 'phrase2', 'time3', 'thing4'],
}

/** Mask for messages: first + 某 (+ last when the name has 3+ characters); pure basic CJK. */
export function messageName(fullName: string): string {
  const chars = cp(fullName.trim()).filter((c) => c !== '·' && c !== '•' && c.trim() !== '')
  if (chars.length === 0) return '某某'
  const safe = (c: string | undefined) => (c !== undefined && BASIC_HAN.test(c) ? c : '某')
  if (chars.length <= 2) return `${safe(chars[0])}某`
  return `${safe(chars[0])}某${safe(chars[chars.length - 1])}`
}

/** 2026-11-30 → 2026年11月30日 (no zero padding, as WeChat's own examples). */
export function chineseDate(iso: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso)
  if (!m) throw new RangeError(`not an ISO date: ${iso}`)
  return `${m[1]}年${Number(m[2])}月${Number(m[3])}日`
}

/** An instant → "2026年11月27日 10:05" in Beijing time. */
export function chineseDateTime(at: Date | string): string {
  const t = typeof at === 'string' ? new Date(at) : at
  if (Number.isNaN(t.getTime())) throw new RangeError('not a time')
  const shifted = new Date(t.getTime() + 8 * 3_600_000).toISOString()
  return `${chineseDate(shifted.slice(0, 10))} ${shifted.slice(11, 16)}`
}

/** At most `max` characters (code points); a cut value ends with …. */
export function clip(text: string, max: number): string {
  const chars = cp(text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, ''))
  return chars.length <= max ? chars.join('') : chars.slice(0, max - 1).join('') + '…'
}

export interface CertDueInput {
  personName: string
  kind: ReminderKind
  /** Cycle id of the due month, "2026-11". */
  cycle: string
  /** Today in Beijing time (YYYY-MM-DD). */
  today: string
}

/** 认证到期提醒. */
export function certDueData(input: CertDueInput): TemplateData {
  const deadline = lastDayOf(parseCycleId(input.cycle))
  const left = daysBetween(input.today, deadline)
  const overdue = input.kind === 'overdue_1' || left < 0
  const phrase = overdue ? '已逾期' : left === 0 ? '今日到期' : left === 1 ? '明日到期' : '即将到期'
  const m = /^\d{4}-(\d{2})-(\d{2})$/.exec(deadline)!
  // Suspended: say how payment comes back (the month after a pass, with the withheld months paid).
  const hint = overdue ? '已暂停发放，认证后次月恢复并补发' : `请于${Number(m[1])}月${Number(m[2])}日前完成刷脸认证`
  return {
    name1: { value: messageName(input.personName) },
    date2: { value: chineseDate(deadline) },
    phrase3: { value: phrase },
    thing4: { value: clip(hint, 20) },
    character_string5: { value: input.cycle },
  }
}

export interface ResultInput {
  personName: string
  /** ISO instant of the certification. */
  certifiedAt: string
  /** Cycle id of the NEXT due month after this pass. */
  nextCycle: string
  /** An agency reviewer rejected the certification: say so, and what to do next. */
  rejected?: boolean
}


/** The next deadline as a day (下次请在2027年11月30日前认证): a bare month reads as late within it. */
const nextText = (cycle: string) => `下次请在${chineseDate(lastDayOf(parseCycleId(cycle)))}前认证`

/** 认证结果通知 (to the person's own account, or the relative who certified for them). */
export function certificationResultData(input: ResultInput): TemplateData {
  return {
    name1: { value: messageName(input.personName) },
    phrase2: { value: input.rejected ? '未通过' : '认证通过' },
    time3: { value: chineseDateTime(input.certifiedAt) },
    thing4: { value: clip(input.rejected ? REJECTED_NEXT_STEP : nextText(input.nextCycle), 20) },
  }
}

/** 家人认证完成通知 (to linked relatives). */
export function relativeCertifiedData(input: ResultInput): TemplateData {
  return {
    name1: { value: messageName(input.personName) },
    phrase2: { value: input.rejected ? '未通过' : '认证完成' },
    time3: { value: chineseDateTime(input.certifiedAt) },
    thing4: { value: clip(input.rejected ? REJECTED_NEXT_STEP : nextText(input.nextCycle), 20) },
  }
}

export interface AppealUpdateInput {
  personName: string
  /** The appeal's new state. */
  state: 'submitted' | 'processing' | 'visit_scheduled' | 'completed' | 'rejected'
  /** ISO instant of the change. */
  at: string
  /** visit_scheduled: YYYY-MM-DD. */
  visitDate?: string | null
  /** completed: 上门 / 窗口. */
  certifiedHow?: string | null
  /** rejected: the agency's reason (clipped). */
  rejectReason?: string | null
}

/** phrase ≤ 5 pure-Chinese characters per state. */
const APPEAL_PHRASES: Record<AppealUpdateInput['state'], string> = {
  submitted: '已提交',
  processing: '处理中',
  visit_scheduled: '已安排上门',
  completed: '已完成',
  rejected: '未通过',
}

/** 申诉进度通知 (to the person's own account and linked relatives). */
export function appealUpdateData(input: AppealUpdateInput): TemplateData {
  let hint: string
  switch (input.state) {
    case 'submitted':
      hint = '社保经办机构会打电话联系您'
      break
    case 'processing':
      hint = '正在处理，请保持电话畅通'
      break
    case 'visit_scheduled':
      hint = input.visitDate ? `上门日期${chineseDate(input.visitDate)}` : '请在家等候上门'
      break
    case 'completed':
      hint = input.certifiedHow ? `已${input.certifiedHow}认证通过` : '申诉已办完'
      break
    case 'rejected':
      hint = `原因：${input.rejectReason || '请联系社保经办机构'}`
      break
  }
  return {
    name1: { value: messageName(input.personName) },
    phrase2: { value: APPEAL_PHRASES[input.state] },
    time3: { value: chineseDateTime(input.at) },
    thing4: { value: clip(hint, 20) },
  }
}

/** The mini-program page a message opens (the 首页 card shows the status). */
export const REMINDER_PAGE = 'pages/index/index'
