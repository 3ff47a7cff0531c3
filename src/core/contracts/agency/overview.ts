/**
 * 概览 and 逾期名单: the region's certification standing for the current month, and the overdue list.
 * Every figure comes from the same standing definition the 首页 uses (src/core/standing.ts), read
 * set-based and region-scoped in SQL (server/repositories/agency/standing.ts). Any agency role.
 */
import * as v from 'valibot'
import { InsuranceTypeSchema, SUSPENDED_BY } from '../common'
import { agencyEndpoints, ANY_AGENCY_ROLE } from './define'

/** How a certification reached the agency, as the 概览 chart groups them. */
export const OVERVIEW_CHANNELS = ['self', 'relative', 'unit', 'share', 'notice', 'window', 'home', 'silent'] as const
export type OverviewChannel = (typeof OVERVIEW_CHANNELS)[number]
export const OVERVIEW_CHANNEL_LABELS: Record<OverviewChannel, string> = {
  self: '本人',
  relative: '家人',
  unit: '单位',
  share: '分享',
  notice: '通知单',
  window: '窗口',
  home: '上门',
  silent: '静默',
}

const Count = v.pipe(v.number(), v.integer(), v.minValue(0))
const ChannelCounts = v.object(Object.fromEntries(OVERVIEW_CHANNELS.map((c) => [c, Count])) as Record<OverviewChannel, typeof Count>)

export const OverviewViewSchema = v.object({
  regionPrefix: v.string(),
  /** Today in Beijing time (YYYY-MM-DD) and its month (YYYY-MM): the figures are for them. */
  today: v.string(),
  month: v.string(),
  counts: v.object({
    /** Persons on the roster in the region. */
    persons: Count,
    /** Of them, receiving benefits now (not 暂停发放). */
    receiving: Count,
    /** 已认证 for the current cycle. */
    certified: Count,
    /** 待认证: their window is open now. */
    due: Count,
    /** 已逾期，暂停发放 (suspended on the roster, or past the due month). */
    overdue: Count,
    /** Of the overdue, those whose deadline has not passed: the agency suspended payment (roster, death signal). */
    agencySuspended: Count,
    /** Records waiting for 人工审核. */
    pendingReview: Count,
    /** Open appeals (已提交, 处理中, 已安排上门) of the region; appealsAvailable is true since issue 16. */
    pendingAppeals: Count,
    appealsAvailable: v.boolean(),
  }),
  /** Passed certifications per ISO week (Monday start, Beijing time), oldest first, the current week last. */
  weekly: v.array(v.object({ week: v.string(), weekStart: v.string(), counts: ChannelCounts, total: Count })),
  /** Coverage by the next level of 行政区划 below the user's prefix: certified this cycle / persons. */
  coverage: v.array(v.object({ regionCode: v.string(), certified: Count, total: Count })),
  /**
   * Persons whose payment was suspended at the start of each of the last 6 months, oldest first (the current
   * month last): overdue counts them all, agencySuspended those the agency suspended before their deadline.
   */
  overdueTrend: v.array(v.object({ month: v.string(), overdue: Count, agencySuspended: Count })),
  /** 单位专管员 activity: appointments live now; passes performed by 专管员 this year and this month (Beijing). */
  unitAdmins: v.optional(v.object({ active: Count, certifiedThisYear: Count, certifiedThisMonth: Count })),
  /** Open appeals by state, and how many are past their SLA date (the 申诉 queue's figures). */
  appeals: v.optional(v.object({ submitted: Count, processing: Count, visitScheduled: Count, pastSla: Count })),
  /** 静默认证 (数据比对): passes this year and this month (Beijing); persons flagged by a death/殡葬 signal or a conflict, review open. */
  silent: v.optional(v.object({ certifiedThisYear: Count, certifiedThisMonth: Count, openReviews: Count })),
})
export type OverviewView = v.InferOutput<typeof OverviewViewSchema>

export const OverdueRowSchema = v.object({
  personId: v.string(),
  personNo: v.string(),
  nameMasked: v.string(),
  idNumberMasked: v.string(),
  regionCode: v.string(),
  insuranceType: InsuranceTypeSchema,
  benefitStatus: v.picklist(['normal', 'suspended']),
  lastCertifiedOn: v.nullable(v.string()),
  /** YYYY-MM of the missed cycle. */
  dueMonth: v.string(),
  monthsOverdue: Count,
  suspendedSince: v.string(),
  /** 'agency': suspended before the deadline passed (the roster, a death signal): not late, but not paid either. */
  suspendedBy: v.picklist(SUSPENDED_BY),
})
export type OverdueRowView = v.InferOutput<typeof OverdueRowSchema>

const Digits = v.pipe(v.string(), v.regex(/^\d{0,12}$/, 'VALIDATION_FAILED'))

export const OverdueQuerySchema = v.object({
  /** A 行政区划 prefix inside the user's own region. */
  subRegion: v.optional(Digits),
  insuranceType: v.optional(InsuranceTypeSchema),
  minMonthsOverdue: v.optional(v.pipe(v.string(), v.regex(/^\d{1,3}$/, 'VALIDATION_FAILED'), v.transform(Number), v.minValue(1, 'VALIDATION_FAILED'), v.maxValue(600, 'VALIDATION_FAILED'))),
  /** The opaque cursor of the previous page's nextAfter. */
  after: v.optional(v.pipe(v.string(), v.maxLength(200, 'VALIDATION_FAILED'))),
  limit: v.optional(v.pipe(v.string(), v.regex(/^\d{1,3}$/, 'VALIDATION_FAILED'), v.transform(Number), v.minValue(1, 'VALIDATION_FAILED'), v.maxValue(200, 'VALIDATION_FAILED'))),
})
export type OverdueQuery = v.InferOutput<typeof OverdueQuerySchema>

export const OverdueListSchema = v.object({
  rows: v.array(OverdueRowSchema),
  /** Present when more rows follow: pass it as `after`. */
  nextAfter: v.optional(v.string()),
  /** Persons the filters select (all pages). */
  total: Count,
})
export type OverdueListView = v.InferOutput<typeof OverdueListSchema>

export const OVERVIEW_ENDPOINTS = agencyEndpoints({
  overviewGet: { method: 'GET', path: '/overview', roles: ANY_AGENCY_ROLE, answer: OverviewViewSchema },
  overviewOverdueList: { method: 'GET', path: '/overdue', roles: ANY_AGENCY_ROLE, input: OverdueQuerySchema, answer: OverdueListSchema },
})
