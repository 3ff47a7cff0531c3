/** Shared bits for the reminders client tests. */
import Taro from '@tarojs/taro'
import type { SubscriptionView } from '@/core/contracts/reminders'

type Subscribe = jest.Mock<Promise<Record<string, unknown>>, [{ tmplIds: string[] }]>

/** Installs Taro.requestSubscribeMessage (the shared taro-mock does not have it). */
export function installRequestSubscribe(impl: (opts: { tmplIds: string[] }) => Promise<Record<string, unknown>>): Subscribe {
  const fn: Subscribe = jest.fn(impl)
  ;(Taro as unknown as { requestSubscribeMessage?: Subscribe }).requestSubscribeMessage = fn
  return fn
}

export function removeRequestSubscribe(): void {
  delete (Taro as unknown as { requestSubscribeMessage?: unknown }).requestSubscribeMessage
}

export const TEMPLATE_ENV = {
  TARO_APP_REMINDER_TEMPLATE_CERT_DUE: 'tmpl-due-AAA',
  TARO_APP_REMINDER_TEMPLATE_RESULT: 'tmpl-result-BBB',
  TARO_APP_REMINDER_TEMPLATE_RELATIVE: 'tmpl-relative-CCC',
} as const

export function setTemplateEnv(on: boolean): void {
  for (const [k, v] of Object.entries(TEMPLATE_ENV)) {
    if (on) process.env[k] = v
    else delete process.env[k]
  }
}

export function subs(certDue: number, result = 0, relative = 0, longTerm = false): { subscriptions: SubscriptionView[] } {
  return {
    subscriptions: [
      { kind: 'certDue', title: '认证到期提醒', credits: certDue, longTerm },
      { kind: 'certificationResult', title: '认证结果通知', credits: result, longTerm: false },
      { kind: 'relativeCertified', title: '家人认证完成通知', credits: relative, longTerm: false },
    ],
  }
}
