/**
 * 取消认证 (cancelCertification): the phone closes its own open session when WeChat 人脸核身 did not
 * finish, when the camera page is left before a result, or when 再试一次 replaces it. Without this an
 * open session keeps one of the account's CERT_MAX_OPEN_SESSIONS places until it expires, so three
 * cancelled 人脸核身 screens would lock the person out (TOO_MANY_SESSIONS) for the session's lifetime.
 * The open-session limit stays as it is: it bounds sessions open at once, and a cancelled one is closed.
 *
 * In this order (the same ownership proof as 完成认证):
 *   the session is the caller's — else SESSION_NOT_FOUND (a foreign session answers like an unknown one);
 *   the nonce its start answered — else SESSION_NONCE_MISMATCH (nothing changes);
 *   open and not expired → closed as 'rejected' with SESSION_CANCELLED (a later completion answers that
 *     code), no record, no failure counted; audited `certification.cancelled` with the client's reason;
 *   anything else (completed, refused, cancelled before, expired) → left exactly as it is, answered with
 *     where it stands (`changed: false`), audited `certification.cancel_ignored`.
 * A completion that wins a race with the cancel keeps its record (both update only an open session).
 */
import type { BackendCancelCertification, CancelledView, SessionCancelState, SessionState } from '../../src/core/contracts/certification'
import { DomainError } from '../../src/core/errors'
import { safeEqual, sha256Hex } from '../crypto/hmac'
import { findAccountId } from '../repositories/accounts'
import { findSession, markSessionRejected, type SessionRow } from '../repositories/sessions'
import type { ServiceContext } from './context'
import { sessionStateOfRow } from './views'
import { audit, refuse } from './relatives-common'

const REFUSED = 'certification.cancel_refused'

/**
 * A session's state (sessionStateOf, the one reading of the stored columns) as this answer names it: a
 * completion that did not pass is still completed, and an open one is only reached when expired (an
 * open, live session is closed by the caller).
 */
const CANCEL_STATE: Record<SessionState, SessionCancelState> = {
  open: 'cancelled',
  expired: 'expired',
  completed: 'completed',
  failed: 'completed',
  cancelled: 'cancelled',
  refused: 'refused',
}

function stateOf(session: SessionRow, nowMs: number): SessionCancelState {
  return CANCEL_STATE[sessionStateOfRow(session, nowMs)]
}

export async function cancelCertification(ctx: ServiceContext, body: BackendCancelCertification): Promise<CancelledView> {
  const accountId = await findAccountId(ctx.db, body.caller)
  const found = await findSession(ctx.db, body.sessionId)
  // An account that never signed in has no session to cancel (and nothing to audit under).
  if (!accountId) throw new DomainError('SESSION_NOT_FOUND')
  if (!found || found.account_id !== accountId) return refuse(ctx, accountId, REFUSED, 'SESSION_NOT_FOUND', null, { cancelReason: body.reason })
  if (!safeEqual(sha256Hex(body.nonce), found.nonce_hash)) {
    return refuse(ctx, accountId, REFUSED, 'SESSION_NONCE_MISMATCH', found.person_id, { sessionId: found.id, cancelReason: body.reason })
  }
  const now = ctx.clock()
  let session = found
  if (session.status === 'open' && now.getTime() <= Date.parse(session.expires_at)) {
    if (await markSessionRejected(ctx.db, session.id, { at: now.toISOString(), code: 'SESSION_CANCELLED' })) {
      await audit(ctx, ctx.db, accountId, 'certification.cancelled', session.person_id, {
        sessionId: session.id,
        reason: body.reason,
        channel: session.channel,
        performer: session.performer,
        identity: session.identity_kind,
      })
      return { state: 'cancelled', changed: true }
    }
    // Settled meanwhile (a completion won): answer where it stands now.
    session = (await findSession(ctx.db, session.id)) ?? session
  }
  const state = stateOf(session, now.getTime())
  await audit(ctx, ctx.db, accountId, 'certification.cancel_ignored', session.person_id, { sessionId: session.id, reason: body.reason, state })
  return { state, changed: false }
}
