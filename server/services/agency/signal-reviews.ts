/**
 * 死亡信息核实 (src/core/contracts/agency/signals.ts): the admin's list of open death / conflict flags in
 * the region and closing one once the agency has found the person alive. Closing lifts nothing by
 * itself: the suspension stays until the person certifies (by face, which now can pass by itself, or
 * a clerk's 线下认证登记). Audited with how the person was seen; no personal data in the detail.
 */
import { SIGNAL_REVIEW_REASON_LABELS, SIGNAL_REVIEWS_PAGE, type SignalReviewCloseInput, type SignalReviewItem, type SignalReviews } from '../../../src/core/contracts/agency/signals'
import { DomainError } from '../../../src/core/errors'
import { signalSourceLabel } from '../../../src/core/silent-certification'
import type { AgencyActor } from '../../agency/actor'
import { RECORD_METHOD_LABELS, labelOf } from '../../../src/core/contracts/common'
import { closeFlag, countOpenFlags, flagInRegion, openFlags, passesOfPersonsSince, type OpenFlagRow } from '../../repositories/agency/signal-reviews'
import { appendAudit } from '../../repositories/audit'
import type { ServiceContext } from '../context'

type PassAfter = SignalReviewItem['passedSince']

function itemOf(row: OpenFlagRow, passedSince: PassAfter = null): SignalReviewItem {
  return {
    reviewId: row.id,
    personId: row.person_id,
    personNo: row.person_no,
    maskedName: row.name_masked,
    reason: row.reason,
    reasonLabel: SIGNAL_REVIEW_REASON_LABELS[row.reason],
    source: row.source,
    sourceLabel: signalSourceLabel(row.source),
    occurredOn: row.occurred_on,
    flaggedAt: row.created_at,
    passedSince,
  }
}

/**
 * The newest pass on or after the day the signal gives: someone saw the person alive after the
 * reported death (a reviewer approving a face certification, a clerk's 线下认证登记). The admin still
 * decides; this tells where to look.
 */
function passedSinceOf(row: OpenFlagRow, passes: readonly { person_id: string; certified_at: string; method: string }[]): PassAfter {
  const pass = passes.find((p) => p.person_id === row.person_id && p.certified_at >= row.occurred_on)
  return pass ? { certifiedAt: pass.certified_at, methodLabel: labelOf(RECORD_METHOD_LABELS, pass.method) } : null
}

export async function signalReviews(ctx: ServiceContext, actor: AgencyActor): Promise<SignalReviews> {
  const [rows, openTotal] = await Promise.all([openFlags(ctx.db, actor.regionPrefix, SIGNAL_REVIEWS_PAGE), countOpenFlags(ctx.db, actor.regionPrefix)])
  // only passes after the earliest reported day of the page can be a lead (whole histories are not read)
  const since = rows.reduce((m, r) => (r.occurred_on < m ? r.occurred_on : m), rows[0]?.occurred_on ?? '')
  const passes = await passesOfPersonsSince(ctx.db, [...new Set(rows.map((r) => r.person_id))], since)
  return { items: rows.map((r) => itemOf(r, passedSinceOf(r, passes))), openTotal }
}

export async function closeSignalReview(ctx: ServiceContext, actor: AgencyActor, reviewId: string, input: SignalReviewCloseInput): Promise<SignalReviewItem> {
  const flag = await flagInRegion(ctx.db, actor.regionPrefix, reviewId)
  if (!flag) throw new DomainError('AGENCY_SIGNAL_REVIEW_NOT_FOUND')
  if (flag.status !== 'open') throw new DomainError('AGENCY_SIGNAL_REVIEW_CLOSED')
  await ctx.db.transaction().execute(async (trx) => {
    if (!(await closeFlag(trx, flag.id))) throw new DomainError('AGENCY_SIGNAL_REVIEW_CLOSED')
    await appendAudit(trx, {
      at: ctx.clock().toISOString(),
      actorType: 'agency',
      actorRef: actor.userId,
      action: 'agency.signal_review.closed',
      subjectPersonId: flag.person_id,
      detail: { reviewId: flag.id, reason: flag.reason, outcome: 'alive', verifiedHow: input.verifiedHow },
    })
  })
  return itemOf(flag)
}
