/**
 * Reminders (docs/reminders.md, docs/backend-api.md § reminders): subscriptions recorded from the
 * mini-program, the outbox the sender drains, and the local 消息发件箱 (developer only).
 */
import * as v from 'valibot'
import { SUBSCRIPTION_TEMPLATES, TEMPLATE_TITLES, type SubscriptionTemplate } from '../reminders/policy'
import { CallerSchema, labelOf } from './common'

export { SUBSCRIPTION_TEMPLATES, TEMPLATE_TITLES, type SubscriptionTemplate }

// ───────────── outbox rows in plain words for agency clerks (the console's person page) ─────────────

/** Outbox kinds other than due_<N> (days before the deadline): overdue, result notices, appeal progress. */
export const REMINDER_FIXED_KINDS = ['overdue_1', 'result', 'relative_result', 'appeal'] as const
export type ReminderFixedKind = (typeof REMINDER_FIXED_KINDS)[number]
export const REMINDER_KIND_LABELS: Record<ReminderFixedKind, string> = {
  overdue_1: '逾期提醒',
  result: '认证结果通知',
  relative_result: '家人认证完成通知',
  appeal: '申诉进度通知',
}

/** due_30 → 到期前 30 天提醒; a fixed kind its label; anything else (an old row) the code itself. */
export function reminderKindLabel(kind: string): string {
  const due = /^due_(\d{1,3})$/.exec(kind)
  if (due) return Number(due[1]) === 0 ? '到期当天提醒' : `到期前 ${Number(due[1])} 天提醒`
  return labelOf(REMINDER_KIND_LABELS, kind)
}

/** An outbox row's status (reminder_outbox.status; docs/reminders.md § Sending). */
export const REMINDER_STATUSES = [
  'pending',
  'claimed',
  'attempted',
  'sent',
  'refused',
  'invalid',
  'failed',
  'unknown',
  'skipped_stale',
  'skipped_late',
  'skipped_no_credit',
] as const
export type ReminderStatus = (typeof REMINDER_STATUSES)[number]
export const REMINDER_STATUS_LABELS: Record<ReminderStatus, string> = {
  pending: '等待发送',
  claimed: '正在发送',
  attempted: '已发出，未确认',
  sent: '已发送',
  refused: '微信拒收（对方未订阅）',
  invalid: '内容有误，未发送',
  failed: '发送失败',
  unknown: '可能已发送，未确认',
  skipped_stale: '已不需要（已认证或情况有变），未发送',
  skipped_late: '已过时，未发送',
  skipped_no_credit: '对方未订阅，未发送',
}

/** Whom an outbox row is addressed to (reminder_outbox.relation). */
export const REMINDER_RECIPIENT_LABELS: Record<'self' | 'relative', string> = { self: '本人', relative: '家人' }

export const SubscriptionTemplateSchema = v.picklist(SUBSCRIPTION_TEMPLATES)

/** Cloud function `recordSubscription`: what wx.requestSubscribeMessage answered, per template. */
export const RecordSubscriptionEventSchema = v.object({
  /** Empty or absent: nothing to record, just answer the current subscriptions. */
  templates: v.optional(
    v.pipe(
      v.array(v.object({ kind: SubscriptionTemplateSchema, accepted: v.boolean() })),
      // wx.requestSubscribeMessage takes at most 5 templates per call.
      v.maxLength(5),
    ),
    [],
  ),
})
export type RecordSubscriptionEvent = v.InferInput<typeof RecordSubscriptionEventSchema>
export const BackendRecordSubscriptionSchema = v.object({ caller: CallerSchema, ...RecordSubscriptionEventSchema.entries })

const TemplateDataSchema = v.record(v.string(), v.object({ value: v.string() }))

export const SubscriptionViewSchema = v.object({
  kind: SubscriptionTemplateSchema,
  title: v.string(),
  /** One-time credits left (each accept is one message). */
  credits: v.number(),
  /** Long-term subscription (government category deployments): no credits needed. */
  longTerm: v.boolean(),
})
export type SubscriptionView = v.InferOutput<typeof SubscriptionViewSchema>
export const SubscriptionsViewSchema = v.object({ subscriptions: v.array(SubscriptionViewSchema) })
export type SubscriptionsView = v.InferOutput<typeof SubscriptionsViewSchema>

/** Cloud function `listInbox` (developer only): what the local openapi adapter stored. */
export const InboxQuerySchema = v.object({
  limit: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(100)), 50),
  /** Page backwards: messages received before this ISO time. */
  before: v.optional(v.pipe(v.string(), v.isoTimestamp())),
  /** Only messages addressed to the caller's own openid. */
  onlyMine: v.optional(v.boolean(), false),
})
export type InboxQuery = v.InferOutput<typeof InboxQuerySchema>
export const BackendInboxQuerySchema = v.object({ caller: CallerSchema, ...InboxQuerySchema.entries })

export const InboxMessageViewSchema = v.object({
  id: v.string(),
  /** Recipient openid (what WeChat would have pushed to). */
  touser: v.string(),
  mine: v.boolean(),
  templateId: v.string(),
  /** certDue | certificationResult | relativeCertified, when the template id is one we know. */
  template: v.optional(SubscriptionTemplateSchema),
  title: v.string(),
  page: v.string(),
  data: TemplateDataSchema,
  miniprogramState: v.string(),
  lang: v.string(),
  receivedAt: v.string(),
})
export type InboxMessageView = v.InferOutput<typeof InboxMessageViewSchema>
export const InboxViewSchema = v.object({ messages: v.array(InboxMessageViewSchema) })
export type InboxView = v.InferOutput<typeof InboxViewSchema>

// ───────────── service routes (the sendReminders function / local scheduler) ─────────────

const IsoDate = v.pipe(v.string(), v.regex(/^\d{4}-\d{2}-\d{2}$/), v.isoDate())
const Id = v.pipe(v.string(), v.minLength(1), v.maxLength(64))

export const SweepRequestSchema = v.object({
  /** Beijing date to sweep for; default today. */
  day: v.optional(IsoDate),
  /** Sweep again even if this day was swept already (still adds nothing already queued). */
  force: v.optional(v.boolean(), false),
})
export const SweepViewSchema = v.object({
  day: v.string(),
  /** True when the day had been swept already and force was not set. */
  skipped: v.boolean(),
  inserted: v.number(),
  byKind: v.record(v.string(), v.number()),
  ms: v.number(),
})
export type SweepView = v.InferOutput<typeof SweepViewSchema>

export const ClaimRequestSchema = v.object({
  batchSize: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(500)), 50),
  leaseMs: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1000), v.maxValue(15 * 60_000)), 60_000),
})

const MINIPROGRAM_STATES = ['developer', 'trial', 'formal'] as const
const LANGS = ['zh_CN', 'en_US', 'zh_HK', 'zh_TW'] as const

export const ClaimedMessageSchema = v.object({
  id: v.string(),
  kind: v.string(),
  touser: v.string(),
  templateId: v.string(),
  page: v.string(),
  data: TemplateDataSchema,
  miniprogramState: v.picklist(MINIPROGRAM_STATES),
  lang: v.picklist(LANGS),
})
export type ClaimedMessage = v.InferOutput<typeof ClaimedMessageSchema>
export const ClaimViewSchema = v.object({
  claimToken: v.string(),
  leaseUntil: v.string(),
  /** Outside the send window (09:00–20:00 Beijing time by default): nothing is claimed. */
  outsideWindow: v.boolean(),
  messages: v.array(ClaimedMessageSchema),
  /** Rows closed at claim time instead of being handed out. */
  skipped: v.object({ stale: v.number(), late: v.number(), noCredit: v.number() }),
})
export type ClaimView = v.InferOutput<typeof ClaimViewSchema>

export const AttemptRequestSchema = v.object({
  claimToken: Id,
  ids: v.pipe(v.array(Id), v.minLength(1), v.maxLength(500)),
})
export const AttemptViewSchema = v.object({
  /** Marked attempted: send these now, each at most once. */
  attempted: v.array(v.string()),
  /** Not yours any more (lease expired, or already attempted): do NOT send. */
  refused: v.array(v.string()),
})
export type AttemptView = v.InferOutput<typeof AttemptViewSchema>

export const AckRequestSchema = v.object({
  claimToken: Id,
  results: v.pipe(
    v.array(v.object({ id: Id, errcode: v.pipe(v.number(), v.integer()), errmsg: v.optional(v.pipe(v.string(), v.maxLength(500)), '') })),
    v.minLength(1),
    v.maxLength(500),
  ),
})
export const AckViewSchema = v.object({
  counts: v.object({ sent: v.number(), refused: v.number(), invalid: v.number(), retry: v.number(), unknown: v.number(), failed: v.number() }),
  /** Ids this token does not hold in the attempted state (nothing changed for them). */
  ignored: v.array(v.string()),
})
export type AckView = v.InferOutput<typeof AckViewSchema>

export const ReminderStatsViewSchema = v.object({
  byStatus: v.record(v.string(), v.number()),
  /** Attempted but never acknowledged after the lease: sent or lost — never sent again. */
  attemptedUnacked: v.number(),
  lastSweep: v.optional(v.object({ day: v.string(), inserted: v.number(), finishedAt: v.nullable(v.string()) })),
})
export type ReminderStatsView = v.InferOutput<typeof ReminderStatsViewSchema>

/** The body of subscribeMessage.send as the local adapter hands it to the backend's local inbox. */
export const LocalDeliverSchema = v.object({
  touser: v.pipe(v.string(), v.minLength(1), v.maxLength(128)),
  templateId: v.pipe(v.string(), v.minLength(1), v.maxLength(128)),
  page: v.optional(v.pipe(v.string(), v.maxLength(256)), ''),
  data: v.record(v.string(), v.object({ value: v.string() })),
  miniprogramState: v.optional(v.picklist(MINIPROGRAM_STATES), 'formal'),
  lang: v.optional(v.picklist(LANGS), 'zh_CN'),
})
export type LocalDeliver = v.InferOutput<typeof LocalDeliverSchema>
export const LocalDeliverViewSchema = v.object({ errcode: v.number(), errmsg: v.string() })
export type LocalDeliverView = v.InferOutput<typeof LocalDeliverViewSchema>

export const DemoRecipientViewSchema = v.object({ created: v.boolean(), subscriptions: SubscriptionsViewSchema })
