/**
 * Share cards (发给家人): a signed, opaque token for one relative's certification, valid 7 days,
 * revocable by the sender. The token is `<tokenId>.<mac>` (base64url; 66 characters): a random
 * token id and its HMAC. It names no person: the backend row behind the id does.
 *
 * Paths: the mini-program and the H5 app open `/${CERTIFY_ENTRY_PAGE}?share=<token>`.
 */
import * as v from 'valibot'
import { CallerSchema } from './common'
import { RelativeIdSchema } from './family'

export const SHARE_TTL_DAYS = 7
/** The certification entry page (subpackage), reached from share cards and notice codes. No leading slash. */
export const CERTIFY_ENTRY_PAGE = 'packages/certify/index'
/** Query key of the share token on the entry page. */
export const SHARE_QUERY_KEY = 'share'
/** Shape of a token: 22-char id, a dot, 43-char MAC (both base64url). */
export const SHARE_TOKEN_PATTERN = /^[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}$/

/** Any malformed token is SHARE_INVALID, exactly like a forged one. */
export const ShareTokenSchema = v.pipe(v.string('SHARE_INVALID'), v.trim(), v.maxLength(200, 'SHARE_INVALID'), v.regex(SHARE_TOKEN_PATTERN, 'SHARE_INVALID'))

/** The path a share card opens (onShareAppMessage `path`; the H5 app uses the same path). */
export function sharePath(token: string): string {
  return `/${CERTIFY_ENTRY_PAGE}?${SHARE_QUERY_KEY}=${encodeURIComponent(token)}`
}

export const ShareTokenRefSchema = v.object({ token: ShareTokenSchema })
/** revokeShare: one token, or every active token of a relative (chosen by which key is present). */
export const RevokeShareByRelativeSchema = v.object({ relativeId: RelativeIdSchema })
export const RevokeShareEventSchema = ShareTokenRefSchema
export type RevokeShareEvent = { token: string } | { relativeId: string }
/** The schema for a revokeShare event: by relativeId when that key is there, else by token. */
export function revokeShareSchemaFor(event: unknown) {
  return typeof event === 'object' && event !== null && 'relativeId' in event ? RevokeShareByRelativeSchema : ShareTokenRefSchema
}

/** Answer of createShare (to the sender). */
export const ShareCreatedViewSchema = v.object({
  token: v.string(),
  /** `/packages/certify/index?share=<token>` for useShareAppMessage and the H5 link. */
  path: v.string(),
  /** Card title, e.g. 张*华的养老资格认证 */
  title: v.string(),
  expiresAt: v.string(),
})
export type ShareCreatedView = v.InferOutput<typeof ShareCreatedViewSchema>

/** Answer of openShare (to whoever opens the card, usually the parent). */
export const ShareOpenedViewSchema = v.object({
  maskedName: v.string(),
  /** e.g. 张*华的养老资格认证 */
  title: v.string(),
  /** Who sent it, from the opener's point of view: 您的子女 / 您的配偶 / 您的家人. */
  senderLabel: v.string(),
  /** e.g. 来自您的子女 */
  fromText: v.string(),
  expiresAt: v.string(),
  /** The person's 下次认证日期 label and state, as on the 家人 list. */
  nextDueMonthLabel: v.string(),
  /** The last day to certify, e.g. 2026年12月31日. */
  nextDueDeadlineLabel: v.string(),
  statusLabel: v.string(),
})
export type ShareOpenedView = v.InferOutput<typeof ShareOpenedViewSchema>

export const ShareRevokedViewSchema = v.object({
  revoked: v.literal(true),
  /** How many tokens this call revoked (0 when already revoked: idempotent). */
  count: v.number(),
})
export type ShareRevokedView = v.InferOutput<typeof ShareRevokedViewSchema>

export const BackendCreateShareSchema = v.object({ caller: CallerSchema, relativeId: RelativeIdSchema })
export const BackendShareTokenSchema = v.object({ caller: CallerSchema, token: ShareTokenSchema })
export const BackendRevokeShareByRelativeSchema = v.object({ caller: CallerSchema, relativeId: RelativeIdSchema })
/** The backend body schema for /v1/shares/revoke, chosen like revokeShareSchemaFor. */
export function backendRevokeShareSchemaFor(body: unknown) {
  return typeof body === 'object' && body !== null && 'relativeId' in body ? BackendRevokeShareByRelativeSchema : BackendShareTokenSchema
}
