/** Rows → the masked views the mini-program shows (src/core/contracts/views.ts). */
import {
  PERFORMER_LABELS,
  RECORD_CHANNEL_LABELS,
  RECORD_METHOD_LABELS,
  RECORD_RESULT_LABELS,
} from '../../src/core/contracts/common'
import type { MaskedPerson, RecordView } from '../../src/core/contracts/views'
import { INSURANCE_LABELS } from '../../src/core/insurance'
import type { RecordRow } from '../repositories/records'
import type { PersonRow } from '../repositories/types'

export function maskedPerson(p: PersonRow): MaskedPerson {
  return {
    maskedName: p.name_masked,
    maskedIdNumber: p.id_number_masked,
    insuranceType: p.insurance_type,
    insuranceLabel: INSURANCE_LABELS[p.insurance_type],
  }
}

export function recordView(r: RecordRow): RecordView {
  return {
    id: r.id,
    certifiedAt: r.certified_at,
    result: r.result,
    resultLabel: RECORD_RESULT_LABELS[r.result],
    method: r.method,
    methodLabel: RECORD_METHOD_LABELS[r.method],
    channel: r.channel,
    channelLabel: RECORD_CHANNEL_LABELS[r.channel],
    performedBy: r.performed_by,
    performedByLabel: PERFORMER_LABELS[r.performed_by],
  }
}
