import type { RecordView, RecordsView } from '@/core/contracts/views'
import { formatChinaDate } from '@/core/dates'

/**
 * The result as a person should read it. A try made while already certified for the cycle is a
 * retry that changes nothing — it must not read as the certification failing.
 */
export function resultText(r: RecordView): string {
  if (!r.retryAfterPass) return r.resultLabel
  return r.result === 'pending_review' ? '又试了一次，人工审核中' : '又试了一次，没有通过'
}

export const RETRY_NOTE = '本期已认证，这次没有通过不影响发放。'

/** One record read aloud / shown as a line. */
export function recordSentence(r: RecordView): string {
  const retry = r.retryAfterPass ? `，${RETRY_NOTE.replace(/。$/, '')}` : ''
  const review = r.reviewNote ? `，${r.reviewNote.replace(/。$/, '')}` : ''
  return `${formatChinaDate(r.certifiedAt)}，${resultText(r)}${retry}${review}，${r.methodLabel}，${r.channelLabel}，办理人：${r.performedByLabel}`
}

/** 李*国（父亲）的认证记录, or plain 认证记录 for the person's own. */
export function recordsHeading(relative: RecordsView['relative']): string {
  return relative ? `${relative.maskedName}（${relative.relationLabel}）的认证记录` : '认证记录'
}

export function recordsSpeech(records: readonly RecordView[], relative?: RecordsView['relative']): string {
  const heading = recordsHeading(relative)
  if (records.length === 0) return relative ? `${heading}。还没有认证记录。` : '认证记录。您还没有认证记录。'
  return `${heading}，共${records.length}条。${records.map(recordSentence).join('。')}。`
}

/** Result mark in words + glyph, never colour alone. A retry after a pass gets the neutral mark. */
export function resultMark(r: Pick<RecordView, 'result' | 'retryAfterPass'>): string {
  if (r.retryAfterPass) return '…'
  return r.result === 'passed' ? '✓' : r.result === 'failed' ? '✕' : '…'
}
