import type { CertStatus } from '@/core/contracts/common'

export interface StatusLook {
  /** A glyph that differs per state … */
  icon: '✓' | '!' | '✕'
  /** … inside a shape that differs per state, so neither colour nor glyph alone carries it. */
  shape: 'circle' | 'diamond' | 'square'
  tone: 'success' | 'warning' | 'danger'
  /** One plain sentence on what it means for the person. */
  advice: string
}

export const STATUS_LOOKS: Record<CertStatus, StatusLook> = {
  certified: { icon: '✓', shape: 'circle', tone: 'success', advice: '本期已完成认证，养老金正常发放。' },
  due: { icon: '!', shape: 'diamond', tone: 'warning', advice: '请在下次认证日期前完成认证。' },
  overdue_suspended: {
    icon: '✕',
    shape: 'square',
    tone: 'danger',
    advice: '养老金已暂停发放。认证通过后次月恢复发放，并补发暂停期间的待遇。',
  },
}

export function statusLook(status: CertStatus): StatusLook {
  return STATUS_LOOKS[status]
}
