/**
 * The fields of an appeal that the mini-program's view (services/appeals.ts appealView) and the
 * console's queue (services/agency/appeals.ts itemOf) both show, read the same way from the row:
 * the kind, reason and state with their Chinese labels, the masked phone and the filing time. One
 * place, so a label or a masking rule cannot drift between the person's page and the staff's queue.
 */
import { APPEAL_KIND_LABELS, APPEAL_REASON_LABELS, APPEAL_STATE_LABELS, type AppealView } from '../../src/core/contracts/appeals'
import type { AppealRow } from '../repositories/appeals'

export type AppealBasics = Pick<AppealView, 'kind' | 'kindLabel' | 'reason' | 'reasonLabel' | 'state' | 'stateLabel' | 'phoneMasked' | 'filedAt'>

export function appealBasics(row: AppealRow): AppealBasics {
  return {
    kind: row.kind,
    kindLabel: APPEAL_KIND_LABELS[row.kind],
    reason: row.reason,
    reasonLabel: APPEAL_REASON_LABELS[row.reason],
    state: row.state,
    stateLabel: APPEAL_STATE_LABELS[row.state],
    phoneMasked: row.phone_masked,
    filedAt: row.created_at,
  }
}
