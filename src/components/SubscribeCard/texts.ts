/** Plain words for 认证到期前提醒我 (what will be sent, docs/reminders.md § What is sent). */
export const SUBSCRIBE_TITLE = '认证到期前提醒我'

export const SUBSCRIBE_LINES = [
  '认证到期前 30 天、7 天、1 天和逾期第一天，各提醒您一次',
  '认证完成后，告诉您认证结果',
  '您添加的家人认证完成后，告诉您一声',
] as const

export const SUBSCRIBE_HOW = '提醒通过微信“服务通知”发给您，不收费。微信规定：每同意一次，可以收到一条提醒，多点几次可以多收几条。'

export const BUTTON_OFF = '开启提醒'
export const BUTTON_ON = '再多收一条提醒'
export const BUTTON_BUSY = '正在开启…'
