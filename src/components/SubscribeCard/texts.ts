import type { SubscriptionTemplate } from '@/core/reminders/policy'

/**
 * Plain words for 认证到期前提醒我 (docs/reminders.md § What is sent). WeChat's one-time subscription
 * is said as it is: one tap, one message. No promise of a series the person has not tapped for.
 */
/** The title as its phrases: at 特大 it wraps as 认证到期前 / 提醒我, not 认证到期前提 / 醒我. */
export const SUBSCRIBE_TITLE_PHRASES = ['认证到期前', '提醒我'] as const
export const SUBSCRIBE_TITLE = SUBSCRIBE_TITLE_PHRASES.join('')

export const SUBSCRIBE_LINES = [
  '认证快到期时，提醒您去认证',
  '认证完成后，告诉您认证结果',
  '您添加的家人认证完成后，告诉您一声',
] as const

export const SUBSCRIBE_HOW =
  '提醒通过微信“服务通知”发给您，不收费。微信的规定是：每点一次“开启提醒”，我们可以给您发一条提醒。发过以后，下次需要时我们会再请您点一次。'

/**
 * Each message's title as phrases, for the state lines under the card: at 特大 家人认证完成通知：未开启 wraps as
 * 家人认证 / 完成通知：/ 未开启, not 家人认证完成通 / 知：未开启. Joined, each is its TEMPLATE_TITLES entry.
 */
export const TITLE_PHRASES: Record<SubscriptionTemplate, readonly string[]> = {
  certDue: ['认证到期', '提醒'],
  certificationResult: ['认证结果', '通知'],
  relativeCertified: ['家人认证', '完成通知'],
  appealUpdate: ['申诉进度', '通知'],
}

export const BUTTON_OFF = '开启提醒'
/** Already on: the same action again, named the same way the explanation names it. */
export const BUTTON_ON = '再点一次开启提醒'
export const BUTTON_BUSY = '正在开启…'
