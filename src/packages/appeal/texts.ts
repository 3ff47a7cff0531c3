/** Every sentence of the 我要申诉 page (shown and read aloud), and its small pure logic. */
import { APPEAL_KIND_LABELS, APPEAL_REASON_LABELS, APPEAL_REASONS, isValidPhone, normalisePhone, type AppealKind, type AppealReason, type AppealView } from '@/core/contracts/appeals'
import { ERROR_MESSAGES } from '@/core/errors'
import { maskPhone } from '@/core/mask'
import type { Choice } from '@/components/ChoiceGroup'

export const KIND_CHOICES: ReadonlyArray<{ value: AppealKind; label: string }> = [
  { value: 'home_visit', label: '申请上门认证（工作人员到家里来）' },
  { value: 'appeal', label: '我要申诉（工作人员打电话联系）' },
]
/** At 特大 长期卧床或行动不便 wraps after 或, not inside 行动. */
const REASON_PHRASES: Partial<Record<AppealReason, readonly string[]>> = { bedridden: ['长期卧床或', '行动不便'] }
export const REASON_CHOICES: ReadonlyArray<Choice<AppealReason>> = APPEAL_REASONS.map((r) => ({ value: r, label: REASON_PHRASES[r] ?? APPEAL_REASON_LABELS[r] }))

export const APPEAL_INTRO = '刷脸认证有困难，可以在这里申诉，或者申请工作人员上门认证。请选择原因，留下联系电话。社保经办机构会在十天内联系您。'
export const APPEAL_FREE = '申诉和上门认证都是免费的。工作人员不会要银行卡号、密码、验证码。'

export interface AppealForm {
  kind: AppealKind | ''
  reason: AppealReason | ''
  note: string
  phone: string
  address: string
}

export type FormErrors = Partial<Record<'kind' | 'reason' | 'note' | 'phone' | 'address', string>>

/** The inline messages (the same codes and words the backend answers with). */
export function formErrors(f: AppealForm): FormErrors {
  const e: FormErrors = {}
  if (f.kind === '') e.kind = '请选择：申请上门认证，还是我要申诉'
  if (f.reason === '') e.reason = ERROR_MESSAGES.APPEAL_REASON_INVALID
  if (f.reason === 'other' && (f.note.trim() === '' || [...f.note.trim()].length > 100)) e.note = ERROR_MESSAGES.APPEAL_NOTE_REQUIRED
  if (!isValidPhone(f.phone)) e.phone = ERROR_MESSAGES.APPEAL_PHONE_INVALID
  if (f.kind === 'home_visit' && (f.address.trim() === '' || [...f.address.trim()].length > 100)) e.address = ERROR_MESSAGES.APPEAL_ADDRESS_REQUIRED
  return e
}

/** What the confirm screen shows, line by line (the phone masked, as everywhere). */
export function confirmLines(f: AppealForm, whose: string): string[] {
  const lines = [`办理：${f.kind ? APPEAL_KIND_LABELS[f.kind] : ''}`, `为谁办理：${whose}`, `原因：${f.reason ? APPEAL_REASON_LABELS[f.reason] : ''}${f.reason === 'other' ? `（${f.note.trim()}）` : ''}`, `联系电话：${maskPhone(normalisePhone(f.phone).replace(/-/g, ''))}`]
  if (f.kind === 'home_visit') lines.push(`上门地址：${f.address.trim()}`)
  return lines
}

export function confirmSpeech(lines: readonly string[]): string {
  return `请核对。${lines.join('。')}。没有问题，请点击确认提交；要修改，请点击返回修改。`
}

export function doneSpeech(a: AppealView): string {
  return `${a.kindLabel}已提交。${a.sentence}联系电话：${a.phoneMasked}。您可以在首页看到办理进度。`
}

/** One line for 首页 and the 家人 list: the state in words (never colour alone). */
export function appealLine(a: AppealView): string {
  return `${a.kindLabel}：${a.stateLabel}`
}
