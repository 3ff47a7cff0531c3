import * as v from 'valibot'
import { INSURANCE_TYPES } from '../insurance'

export const InsuranceTypeSchema = v.picklist(INSURANCE_TYPES, 'INSURANCE_TYPE_INVALID')

/** Platform identity of the caller, added by the cloud function (never by the client). */
export const CallerSchema = v.object({
  platform: v.picklist(['wechat', 'local']),
  openid: v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{6,64}$/)),
})
export type Caller = v.InferOutput<typeof CallerSchema>

/** Certification states shown to people: in words and with an icon, never colour alone. */
export const CERT_STATUSES = ['certified', 'due', 'overdue_suspended'] as const
export type CertStatus = (typeof CERT_STATUSES)[number]
export const CERT_STATUS_LABELS: Record<CertStatus, string> = {
  certified: '已认证',
  due: '待认证',
  overdue_suspended: '已逾期，暂停发放',
}

/**
 * Payment stopped by the agency (a suspension on the roster, a death report) before the deadline
 * passed: still not paid, and certifying still brings it back, but not 逾期 — a person told she is
 * late when she is not has been told something false about herself.
 */
export const SUSPENDED_BEFORE_DEADLINE_LABEL = '暂停发放'

/** What suspended payment: the deadline passing, or the agency before it. */
export const SUSPENDED_BY = ['deadline', 'agency'] as const
export type SuspendedBy = (typeof SUSPENDED_BY)[number]

/** The state in words, as every view shows it. */
export function certStatusLabel(status: CertStatus, suspendedBy?: SuspendedBy): string {
  return status === 'overdue_suspended' && suspendedBy === 'agency' ? SUSPENDED_BEFORE_DEADLINE_LABEL : CERT_STATUS_LABELS[status]
}

export const RECORD_RESULTS = ['passed', 'failed', 'pending_review'] as const
export type RecordResult = (typeof RECORD_RESULTS)[number]
export const RECORD_RESULT_LABELS: Record<RecordResult, string> = {
  passed: '认证通过',
  failed: '未通过',
  pending_review: '人工审核中',
}

/** 'community': a certification a clerk records as done in the community (线下认证登记, 社区). */
export const RECORD_METHODS = ['face', 'counter', 'home_visit', 'data_comparison', 'legacy', 'community'] as const
export type RecordMethod = (typeof RECORD_METHODS)[number]
export const RECORD_METHOD_LABELS: Record<RecordMethod, string> = {
  face: '刷脸认证',
  counter: '窗口认证',
  home_visit: '上门认证',
  data_comparison: '数据比对认证',
  legacy: '原系统认证',
  community: '社区认证',
}

export const RECORD_CHANNELS = ['weapp', 'h5', 'agency', 'import'] as const
export type RecordChannel = (typeof RECORD_CHANNELS)[number]
export const RECORD_CHANNEL_LABELS: Record<RecordChannel, string> = {
  weapp: '微信小程序',
  h5: '网页',
  agency: '社保经办机构',
  import: '历史数据导入',
}

export const PERFORMERS = ['self', 'relative', 'unit_admin', 'agency'] as const
export type Performer = (typeof PERFORMERS)[number]
export const PERFORMER_LABELS: Record<Performer, string> = {
  self: '本人',
  relative: '亲属代办',
  unit_admin: '单位专管员',
  agency: '经办人员',
}

/**
 * A certification record's facts, each with its words, the same in every view of a record (the
 * person's own list, the agency's person history, the review detail). Spread into those schemas;
 * what follows them (who performed it, in more words) differs by view.
 */
export const RECORD_FACT_ENTRIES = {
  certifiedAt: v.string(),
  result: v.picklist(RECORD_RESULTS),
  resultLabel: v.string(),
  method: v.picklist(RECORD_METHODS),
  methodLabel: v.string(),
  channel: v.picklist(RECORD_CHANNELS),
  channelLabel: v.string(),
  performedBy: v.picklist(PERFORMERS),
}

/**
 * The label of a stored code: the map's words when the code is one of its keys, else the code itself
 * (an old row with a value the map no longer knows shows what is stored, never a blank cell).
 */
export function labelOf(labels: Readonly<Record<string, string>>, code: string): string {
  return Object.prototype.hasOwnProperty.call(labels, code) ? labels[code] : code
}
