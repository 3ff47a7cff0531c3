/**
 * 我要申诉 / 申请上门认证: a retiree (or a linked relative for them) asks the agency for help when face
 * certification does not work for them. The contact phone is validated here (mainland mobile, or a
 * landline with its area code), stored sealed and shown masked (138****5678) everywhere. One open
 * appeal per person; its state is shown on 首页 and on the relative's page:
 * 已提交 → 处理中 → 已安排上门（日期） → 已完成 / 未通过（原因）.
 */
import * as v from 'valibot'
import { CallerSchema } from './common'
import { RelativeIdSchema } from './family'

export const APPEAL_KINDS = ['appeal', 'home_visit'] as const
export type AppealKind = (typeof APPEAL_KINDS)[number]
export const APPEAL_KIND_LABELS: Record<AppealKind, string> = { appeal: '申诉', home_visit: '申请上门认证' }

export const APPEAL_REASONS = ['face_failed', 'bedridden', 'no_smartphone', 'other'] as const
export type AppealReason = (typeof APPEAL_REASONS)[number]
export const APPEAL_REASON_LABELS: Record<AppealReason, string> = {
  face_failed: '多次刷脸不通过',
  bedridden: '长期卧床或行动不便',
  no_smartphone: '没有智能手机',
  other: '其他',
}

export const APPEAL_STATES = ['submitted', 'processing', 'visit_scheduled', 'completed', 'rejected'] as const
export type AppealState = (typeof APPEAL_STATES)[number]
export const OPEN_APPEAL_STATES: readonly AppealState[] = ['submitted', 'processing', 'visit_scheduled']
export const APPEAL_STATE_LABELS: Record<AppealState, string> = {
  submitted: '已提交',
  processing: '处理中',
  visit_scheduled: '已安排上门',
  completed: '已完成',
  rejected: '未通过',
}

/** The agency answers within this many calendar days (the console counts down to it). */
export const APPEAL_SLA_DAYS = 10
export const APPEAL_NOTE_MAX = 100
export const APPEAL_ADDRESS_MAX = 100

/** Mainland mobile (1[3-9] + 9 digits) or a landline with its area code (0 + 2–3 digits, 7–8 digits, optional extension). */
export const MOBILE_RE = /^1[3-9]\d{9}$/
export const LANDLINE_RE = /^0\d{2,3}-?\d{7,8}(-\d{1,6})?$/

/** Spaces and the dashes people type inside a mobile number are dropped; a landline keeps one dash after the area code. */
export function normalisePhone(raw: string): string {
  const s = raw.replace(/[\s\u3000]/g, '').replace(/[－—–]/g, '-')
  const digits = s.replace(/-/g, '')
  if (MOBILE_RE.test(digits)) return digits
  return s
}

export function isValidPhone(raw: string): boolean {
  const s = normalisePhone(raw)
  return MOBILE_RE.test(s) || LANDLINE_RE.test(s)
}

const PhoneSchema = v.pipe(v.string('APPEAL_PHONE_INVALID'), v.transform(normalisePhone), v.check((s) => MOBILE_RE.test(s) || LANDLINE_RE.test(s), 'APPEAL_PHONE_INVALID'))

/** What the 我要申诉 page sends. Without relativeId: for the caller's own bound person. */
export const FileAppealEventSchema = v.object({
  relativeId: v.optional(RelativeIdSchema),
  kind: v.picklist(APPEAL_KINDS, 'APPEAL_REASON_INVALID'),
  reason: v.picklist(APPEAL_REASONS, 'APPEAL_REASON_INVALID'),
  note: v.optional(v.pipe(v.string('APPEAL_NOTE_REQUIRED'), v.trim(), v.maxLength(APPEAL_NOTE_MAX, 'APPEAL_NOTE_REQUIRED'))),
  phone: PhoneSchema,
  address: v.optional(v.pipe(v.string('APPEAL_ADDRESS_REQUIRED'), v.trim(), v.maxLength(APPEAL_ADDRESS_MAX, 'APPEAL_ADDRESS_REQUIRED'))),
})
export type FileAppealEvent = v.InferInput<typeof FileAppealEventSchema>
export const BackendFileAppealSchema = v.object({ caller: CallerSchema, ...FileAppealEventSchema.entries })
export type FileAppealInput = v.InferOutput<typeof BackendFileAppealSchema>

/** Whose appeal to show: the caller's own person, or a relative's. */
export const AppealRefEventSchema = v.object({ relativeId: v.optional(RelativeIdSchema) })
export const BackendAppealRefSchema = v.object({ caller: CallerSchema, ...AppealRefEventSchema.entries })

export const AppealViewSchema = v.object({
  appealId: v.string(),
  kind: v.picklist(APPEAL_KINDS),
  kindLabel: v.string(),
  reason: v.picklist(APPEAL_REASONS),
  reasonLabel: v.string(),
  state: v.picklist(APPEAL_STATES),
  stateLabel: v.string(),
  /** 138****5678: the full number never leaves the backend towards the mini-program. */
  phoneMasked: v.string(),
  /** 已安排上门: the day (YYYY-MM-DD). */
  visitDate: v.optional(v.string()),
  /** 已完成: 'certified' (认证通过) or 'not_certified'. */
  outcome: v.optional(v.picklist(['certified', 'not_certified'])),
  /** 未通过: the agency's reason. */
  rejectReason: v.optional(v.string()),
  /** 已完成 as certified: 上门 or 窗口. */
  certifiedHow: v.optional(v.picklist(['上门', '窗口'])),
  filedAt: v.string(),
  updatedAt: v.string(),
  /** The state as one plain sentence (shown and spoken). */
  sentence: v.string(),
})
export type AppealView = v.InferOutput<typeof AppealViewSchema>

/** The latest appeal of the person (open or the last closed one), if any. */
export const AppealStatusViewSchema = v.object({ appeal: v.optional(AppealViewSchema) })
export type AppealStatusView = v.InferOutput<typeof AppealStatusViewSchema>

/** 2026-12-03 → 2026年12月3日. */
export function appealDay(iso: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso)
  return m ? `${m[1]}年${Number(m[2])}月${Number(m[3])}日` : iso
}

/** The state as one sentence for 首页, the relative's page and the voice. */
export function appealSentence(a: Pick<AppealView, 'kind' | 'state' | 'visitDate' | 'outcome' | 'rejectReason' | 'certifiedHow'>): string {
  const what = APPEAL_KIND_LABELS[a.kind]
  switch (a.state) {
    case 'submitted':
      return `您的${what}已提交，社保经办机构会打电话联系您。`
    case 'processing':
      return `您的${what}正在处理中，请保持电话畅通。`
    case 'visit_scheduled':
      return a.visitDate ? `已安排上门认证，日期：${appealDay(a.visitDate)}。请在家等候。` : '已安排上门认证，请在家等候。'
    case 'completed':
      return a.outcome === 'certified' ? `您的${what}已办完：已${a.certifiedHow ?? '线下'}认证通过。` : `您的${what}已办完。`
    case 'rejected':
      return `您的${what}未通过。原因：${a.rejectReason ?? '请联系当地社保经办机构'}。`
  }
}
