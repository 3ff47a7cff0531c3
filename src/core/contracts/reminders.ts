/**
 * Reminders (docs/reminders.md, docs/backend-api.md § reminders): subscriptions recorded from the
 * mini-program, the outbox the sender drains, and the local 消息发件箱 (developer only).
 */
import * as v from 'valibot'
import { SUBSCRIPTION_TEMPLATES, TEMPLATE_TITLES, type SubscriptionTemplate } from '../reminders/policy'
import type { TemplateData } from '../reminders/fields'
import { CallerSchema } from './common'

export { SUBSCRIPTION_TEMPLATES, TEMPLATE_TITLES, type SubscriptionTemplate }

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

export interface SubscriptionView {
  kind: SubscriptionTemplate
  title: string
  /** One-time credits left (each accept is one message). */
  credits: number
  /** Long-term subscription (government category deployments): no credits needed. */
  longTerm: boolean
}
export interface SubscriptionsView {
  subscriptions: SubscriptionView[]
}

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

export interface InboxMessageView {
  id: string
  /** Recipient openid (what WeChat would have pushed to). */
  touser: string
  mine: boolean
  templateId: string
  /** certDue | certificationResult | relativeCertified, when the template id is one we know. */
  template?: SubscriptionTemplate
  title: string
  page: string
  data: TemplateData
  miniprogramState: string
  lang: string
  receivedAt: string
}
export interface InboxView {
  messages: InboxMessageView[]
}

// ───────────── service routes (the sendReminders function / local scheduler) ─────────────

const IsoDate = v.pipe(v.string(), v.regex(/^\d{4}-\d{2}-\d{2}$/), v.isoDate())
const Id = v.pipe(v.string(), v.minLength(1), v.maxLength(64))

export const SweepRequestSchema = v.object({
  /** Beijing date to sweep for; default today. */
  day: v.optional(IsoDate),
  /** Sweep again even if this day was swept already (still adds nothing already queued). */
  force: v.optional(v.boolean(), false),
})
export interface SweepView {
  day: string
  /** True when the day had been swept already and force was not set. */
  skipped: boolean
  inserted: number
  byKind: Record<string, number>
  ms: number
}

export const ClaimRequestSchema = v.object({
  batchSize: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(500)), 50),
  leaseMs: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1000), v.maxValue(15 * 60_000)), 60_000),
})

export interface ClaimedMessage {
  id: string
  kind: string
  touser: string
  templateId: string
  page: string
  data: TemplateData
  miniprogramState: 'developer' | 'trial' | 'formal'
  lang: 'zh_CN' | 'en_US' | 'zh_HK' | 'zh_TW'
}
export interface ClaimView {
  claimToken: string
  leaseUntil: string
  /** Outside the send window (09:00–20:00 Beijing time by default): nothing is claimed. */
  outsideWindow: boolean
  messages: ClaimedMessage[]
  /** Rows closed at claim time instead of being handed out. */
  skipped: { stale: number; late: number; noCredit: number }
}

export const AttemptRequestSchema = v.object({
  claimToken: Id,
  ids: v.pipe(v.array(Id), v.minLength(1), v.maxLength(500)),
})
export interface AttemptView {
  /** Marked attempted: send these now, each at most once. */
  attempted: string[]
  /** Not yours any more (lease expired, or already attempted): do NOT send. */
  refused: string[]
}

export const AckRequestSchema = v.object({
  claimToken: Id,
  results: v.pipe(
    v.array(v.object({ id: Id, errcode: v.pipe(v.number(), v.integer()), errmsg: v.optional(v.pipe(v.string(), v.maxLength(500)), '') })),
    v.minLength(1),
    v.maxLength(500),
  ),
})
export interface AckView {
  counts: Record<'sent' | 'refused' | 'invalid' | 'retry' | 'unknown' | 'failed', number>
  /** Ids this token does not hold in the attempted state (nothing changed for them). */
  ignored: string[]
}

export interface ReminderStatsView {
  byStatus: Record<string, number>
  /** Attempted but never acknowledged after the lease: sent or lost — never sent again. */
  attemptedUnacked: number
  lastSweep?: { day: string; inserted: number; finishedAt: string | null }
}

/** The body of subscribeMessage.send as the local adapter hands it to the backend's local inbox. */
export const LocalDeliverSchema = v.object({
  touser: v.pipe(v.string(), v.minLength(1), v.maxLength(128)),
  templateId: v.pipe(v.string(), v.minLength(1), v.maxLength(128)),
  page: v.optional(v.pipe(v.string(), v.maxLength(256)), ''),
  data: v.record(v.string(), v.object({ value: v.string() })),
  miniprogramState: v.optional(v.picklist(['developer', 'trial', 'formal']), 'formal'),
  lang: v.optional(v.picklist(['zh_CN', 'en_US', 'zh_HK', 'zh_TW']), 'zh_CN'),
})
export type LocalDeliver = v.InferOutput<typeof LocalDeliverSchema>
export interface LocalDeliverView {
  errcode: number
  errmsg: string
}
