import type { RecordView } from '@/core/contracts/views'
import { formatChinaDate } from '@/services/format'

/** One record read aloud / shown as a line. */
export function recordSentence(r: RecordView): string {
  return `${formatChinaDate(r.certifiedAt)}，${r.resultLabel}，${r.methodLabel}，${r.channelLabel}，办理人：${r.performedByLabel}`
}

export function recordsSpeech(records: readonly RecordView[]): string {
  if (records.length === 0) return '认证记录。您还没有认证记录。'
  return `认证记录，共${records.length}条。${records.map(recordSentence).join('。')}。`
}

/** Result mark in words + glyph, never colour alone. */
export function resultMark(result: RecordView['result']): string {
  return result === 'passed' ? '✓' : result === 'failed' ? '✕' : '…'
}
