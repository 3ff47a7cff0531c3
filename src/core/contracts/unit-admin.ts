/**
 * 单位专管员 in the mini-program: an account the agency appointed (by a one-time invitation code
 * the 专管员 enters here) sees its unit's retirees, masked, with their standing, and certifies any of
 * them on its phone (the retiree's own face, like 帮TA认证), performer 'unit_admin'. A member is named
 * by an opaque `memberRef` (keyed per appointment), never by a person id, name or ID number.
 */
import * as v from 'valibot'
import { CallerSchema, CERT_STATUSES } from './common'

/** The invitation code: 8 characters from an alphabet without 0/O/1/I/L (read aloud on the phone). */
export const UNIT_INVITE_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789'
export const UNIT_INVITE_LENGTH = 8
/** What the 专管员 types: spaces and dashes dropped, lower case accepted. */
export function normaliseInviteCode(raw: string): string {
  return raw.replace(/[\s-]/g, '').toUpperCase()
}
const INVITE_PATTERN = new RegExp(`^[${UNIT_INVITE_ALPHABET}]{${UNIT_INVITE_LENGTH}}$`)
export const InviteCodeSchema = v.pipe(v.string('UNIT_INVITE_INVALID'), v.transform(normaliseInviteCode), v.regex(INVITE_PATTERN, 'UNIT_INVITE_INVALID'))

/** A unit member's opaque reference (22 base64url characters). */
export const MEMBER_REF_PATTERN = /^[A-Za-z0-9_-]{22}$/
export const MemberRefSchema = v.pipe(v.string('UNIT_MEMBER_NOT_FOUND'), v.regex(MEMBER_REF_PATTERN, 'UNIT_MEMBER_NOT_FOUND'))

export const ClaimUnitInviteEventSchema = v.object({ code: InviteCodeSchema })
export const BackendClaimUnitInviteSchema = v.object({ caller: CallerSchema, ...ClaimUnitInviteEventSchema.entries })

/** The caller's live appointment, if any (the 首页 shows its entry only then). */
export const UnitAdminStatusViewSchema = v.object({
  appointed: v.boolean(),
  unitName: v.optional(v.string()),
  /** YYYY-MM-DD (Beijing) of the last day the appointment is valid, and as 2027年6月30日. */
  expiresOn: v.optional(v.string()),
  expiresLabel: v.optional(v.string()),
})
export type UnitAdminStatusView = v.InferOutput<typeof UnitAdminStatusViewSchema>

export const UnitMemberViewSchema = v.object({
  memberRef: v.string(),
  maskedName: v.string(),
  maskedIdNumber: v.string(),
  status: v.picklist(CERT_STATUSES),
  statusLabel: v.string(),
  /** 请在…前 (the deadline as a day) */
  nextDueDeadlineLabel: v.string(),
  nextDueMonthLabel: v.string(),
  suspendedSince: v.optional(v.string()),
  /** Not yet certified this cycle and a try waits for 人工审核: nothing to do but wait. */
  awaitingReview: v.boolean(),
})
export type UnitMemberView = v.InferOutput<typeof UnitMemberViewSchema>

/** At most this many members in one answer (a unit's retirees on one phone screen list). */
export const UNIT_MEMBERS_MAX = 500

/** 单位认证 list: overdue first, then due, then those whose try waits for review, then certified; each by deadline. */
export const UnitMembersViewSchema = v.object({
  unitName: v.string(),
  expiresOn: v.string(),
  expiresLabel: v.string(),
  members: v.array(UnitMemberViewSchema),
  /** Members in the unit (the list stops at UNIT_MEMBERS_MAX). */
  total: v.number(),
})
export type UnitMembersView = v.InferOutput<typeof UnitMembersViewSchema>
