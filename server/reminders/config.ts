/**
 * Reminder settings (REMINDER_*), read by loadConfig (server/config/env.ts). Names, defaults and
 * meaning: the one table in server/config/variables.ts (docs/configuration.md).
 */
import {
  DEFAULT_REMINDER_POLICY,
  normaliseDaysBefore,
  parseSendWindow,
  SUBSCRIPTION_TEMPLATES,
  type ReminderPolicy,
  type SubscriptionTemplate,
} from '../../src/core/reminders/policy'
import { bilingual, readInt, type Env } from '../config/read-env'

export interface RemindersConfig {
  policy: ReminderPolicy
  longTerm: SubscriptionTemplate[]
  templateIds: Partial<Record<SubscriptionTemplate, string>>
  miniprogramState: 'developer' | 'trial' | 'formal'
  lang: 'zh_CN' | 'en_US' | 'zh_HK' | 'zh_TW'
}

export const LOCAL_TEMPLATE_IDS: Record<SubscriptionTemplate, string> = {
  certDue: 'local-cert-due',
  certificationResult: 'local-cert-result',
  relativeCertified: 'local-relative-certified',
  appealUpdate: 'local-appeal-update',
}

export function defaultRemindersConfig(production = false): RemindersConfig {
  return {
    policy: { ...DEFAULT_REMINDER_POLICY, daysBefore: [...DEFAULT_REMINDER_POLICY.daysBefore], sendWindow: { ...DEFAULT_REMINDER_POLICY.sendWindow } },
    longTerm: [],
    templateIds: production ? {} : { ...LOCAL_TEMPLATE_IDS },
    miniprogramState: production ? 'formal' : 'developer',
    lang: 'zh_CN',
  }
}

export function readRemindersConfig(env: Env, production: boolean, problems: string[]): RemindersConfig {
  const c = defaultRemindersConfig(production)
  const days = env.REMINDER_DAYS_BEFORE?.trim()
  if (days) {
    const list = days.split(',').map((s) => s.trim())
    const nums = list.map(Number)
    if (!list.every((s) => /^\d{1,3}$/.test(s)) || nums.some((n) => n > 366) || normaliseDaysBefore(nums).length !== nums.length) {
      problems.push(bilingual('REMINDER_DAYS_BEFORE 应为不重复的天数列表，如 30,7,1', 'REMINDER_DAYS_BEFORE must list distinct days (0–366), e.g. 30,7,1'))
    } else c.policy.daysBefore = normaliseDaysBefore(nums)
  }
  const overdue = env.REMINDER_OVERDUE?.trim()
  if (overdue) {
    if (!['true', 'false', '1', '0'].includes(overdue)) problems.push(bilingual('REMINDER_OVERDUE 只能是 true 或 false', 'REMINDER_OVERDUE must be true or false'))
    else c.policy.overdue = overdue === 'true' || overdue === '1'
  }
  c.policy.overdueWindowDays = readInt(env, 'REMINDER_OVERDUE_WINDOW_DAYS', 1, 31, c.policy.overdueWindowDays, problems)
  const window = env.REMINDER_SEND_WINDOW?.trim()
  if (window) {
    const parsed = parseSendWindow(window)
    if (!parsed) problems.push(bilingual('REMINDER_SEND_WINDOW 应形如 09:00-20:00', 'REMINDER_SEND_WINDOW must look like 09:00-20:00'))
    else c.policy.sendWindow = parsed
  }
  c.policy.maxAttempts = readInt(env, 'REMINDER_MAX_ATTEMPTS', 1, 20, c.policy.maxAttempts, problems)
  c.policy.backoffBaseMs = readInt(env, 'REMINDER_BACKOFF_BASE_SECONDS', 1, 3600, c.policy.backoffBaseMs / 1000, problems) * 1000
  const longTerm = env.REMINDER_LONG_TERM?.trim()
  if (longTerm) {
    const list = longTerm === 'all' ? [...SUBSCRIPTION_TEMPLATES] : longTerm.split(',').map((s) => s.trim())
    if (!list.every((t) => (SUBSCRIPTION_TEMPLATES as readonly string[]).includes(t))) {
      problems.push(bilingual(`REMINDER_LONG_TERM 只能列出 ${SUBSCRIPTION_TEMPLATES.join('、')} 或 all`, `REMINDER_LONG_TERM may list ${SUBSCRIPTION_TEMPLATES.join(', ')} or all`))
    } else c.longTerm = list as SubscriptionTemplate[]
  }
  const ids: [SubscriptionTemplate, string][] = [
    ['certDue', 'REMINDER_TEMPLATE_CERT_DUE'],
    ['certificationResult', 'REMINDER_TEMPLATE_RESULT'],
    ['relativeCertified', 'REMINDER_TEMPLATE_RELATIVE'],
    ['appealUpdate', 'REMINDER_TEMPLATE_APPEAL'],
  ]
  for (const [template, name] of ids) {
    const raw = env[name]?.trim()
    if (!raw) continue
    if (!/^[A-Za-z0-9_-]{1,128}$/.test(raw)) problems.push(bilingual(`${name} 格式不对`, `${name} must be a template id (letters, digits, _ and -)`))
    else c.templateIds[template] = raw
  }
  const state = env.REMINDER_MINIPROGRAM_STATE?.trim()
  if (state) {
    if (state !== 'developer' && state !== 'trial' && state !== 'formal') problems.push(bilingual('REMINDER_MINIPROGRAM_STATE 只能是 developer、trial 或 formal', 'REMINDER_MINIPROGRAM_STATE must be developer, trial or formal'))
    else c.miniprogramState = state
  }
  const lang = env.REMINDER_LANG?.trim()
  if (lang) {
    if (lang !== 'zh_CN' && lang !== 'en_US' && lang !== 'zh_HK' && lang !== 'zh_TW') problems.push(bilingual('REMINDER_LANG 取值不对', 'REMINDER_LANG must be zh_CN, en_US, zh_HK or zh_TW'))
    else c.lang = lang
  }
  return c
}
