/**
 * 订阅提醒 (issue 6, client side; docs/reminders.md § Subscriptions and credits).
 *
 * weapp: one tap asks wx.requestSubscribeMessage for the three templates 认证到期提醒 / 认证结果通知 /
 * 家人认证完成通知 (≤ 5 per call; TAP-ONLY: `requestReminderSubscriptions()` calls it synchronously, so
 * call it straight from the button's onClick with no await before it), then hands the answers to the
 * cloud function `recordSubscription` (each accept = one send credit for that template).
 * H5 / local: there is no subscription dialog; a local stand-in records acceptance for all three
 * kinds and says so (本机演示：已模拟同意).
 *
 * Template ids (must be the SAME ids the backend sends with: REMINDER_TEMPLATE_CERT_DUE /
 * REMINDER_TEMPLATE_RESULT / REMINDER_TEMPLATE_RELATIVE, server/reminders/config.ts). They are build
 * constants read from Taro's env files (.env, .env.production, …; Taro defines every TARO_APP_* key of
 * those files as process.env.TARO_APP_*; a key only set in the shell is NOT picked up):
 *
 *   TARO_APP_REMINDER_TEMPLATE_CERT_DUE   认证到期提醒     (default placeholder: local-cert-due)
 *   TARO_APP_REMINDER_TEMPLATE_RESULT     认证结果通知     (default placeholder: local-cert-result)
 *   TARO_APP_REMINDER_TEMPLATE_RELATIVE   家人认证完成通知 (default placeholder: local-relative-certified)
 *
 * The placeholders are the local backend's ids (LOCAL_TEMPLATE_IDS). A weapp build still carrying a
 * placeholder does not show the WeChat dialog for that template (it would fail with 20001); if all
 * three are placeholders the button answers 提醒功能暂未开通.
 *
 * Mapping of WeChat's answer per template id → recordSubscription:
 *   'accept' → {accepted: true}; 'reject' and 'ban' → {accepted: false} (a refusal ends a long-term
 *   subscription); 'filter' (WeChat filtered the template, e.g. a duplicate title) or no answer →
 *   not recorded (it was not the person's choice).
 */
import Taro from '@tarojs/taro'
import type { InboxQuery, InboxView, SubscriptionsView, SubscriptionView } from '@/core/contracts/reminders'
import { appError, type AppError, type Result } from '@/core/errors'
import { REMINDER_TEMPLATES, TEMPLATE_TITLES, type ReminderTemplate, type SubscriptionTemplate } from '@/core/reminders/policy'
import { callFunction } from './call-function'
import { currentPlatform } from './platform'

export type { SubscriptionTemplate, SubscriptionView, SubscriptionsView }
export { TEMPLATE_TITLES }

/** What WeChat answers per template id. */
export type SubscribeAnswer = 'accept' | 'reject' | 'ban' | 'filter'

export const PLACEHOLDER_TEMPLATE_IDS: Record<SubscriptionTemplate, string> = {
  certDue: 'local-cert-due',
  certificationResult: 'local-cert-result',
  relativeCertified: 'local-relative-certified',
  appealUpdate: 'local-appeal-update',
}

/** Shown on screen after the local (H5) stand-in. */
export const LOCAL_STANDIN_NOTE = '本机演示：已模拟同意'

export interface SubscribeOutcome {
  /** weapp: the WeChat dialog was shown; local: the H5 stand-in accepted all three. */
  mode: 'weapp' | 'local'
  /** WeChat's answer per kind ('missing' = no answer for that id, 'skipped' = not asked). */
  answers: Record<ReminderTemplate, SubscribeAnswer | 'missing' | 'skipped'>
  accepted: SubscriptionTemplate[]
  /** Refused in the dialog (reject) or blocked by WeChat (ban). */
  refused: SubscriptionTemplate[]
  /** What the backend now holds (credits / long-term) after recording. */
  subscriptions: SubscriptionView[]
  /** Plain words for the screen, e.g. 本机演示：已模拟同意. */
  note?: string
}

/** Build constants, read guarded: an undefined constant leaves `process` unresolved in a weapp build. */
function envValue(read: () => string | undefined): string {
  try {
    return (read() ?? '').trim()
  } catch {
    return ''
  }
}

/** The template ids of this build (see the file header). */
export function reminderTemplateIds(): Record<ReminderTemplate, string> {
  const certDue = envValue(() => process.env.TARO_APP_REMINDER_TEMPLATE_CERT_DUE)
  const result = envValue(() => process.env.TARO_APP_REMINDER_TEMPLATE_RESULT)
  const relative = envValue(() => process.env.TARO_APP_REMINDER_TEMPLATE_RELATIVE)
  return {
    certDue: certDue || PLACEHOLDER_TEMPLATE_IDS.certDue,
    certificationResult: result || PLACEHOLDER_TEMPLATE_IDS.certificationResult,
    relativeCertified: relative || PLACEHOLDER_TEMPLATE_IDS.relativeCertified,
  }
}

/** 申诉进度通知's template id of this build (TARO_APP_REMINDER_TEMPLATE_APPEAL; same as the backend's REMINDER_TEMPLATE_APPEAL). */
export function appealTemplateId(): string {
  return envValue(() => process.env.TARO_APP_REMINDER_TEMPLATE_APPEAL) || PLACEHOLDER_TEMPLATE_IDS.appealUpdate
}

function isPlaceholder(id: string): boolean {
  return Object.values(PLACEHOLDER_TEMPLATE_IDS).includes(id)
}

/** A failure in plain Chinese (the code says which kind of failure it is to programs). */
function failWith(code: AppError['code'], message: string): { ok: false; error: AppError } {
  return { ok: false, error: { ...appError(code), message } }
}

/** wx.requestSubscribeMessage error codes (WECHAT-FACTS §5) → what the person is told. */
export function subscribeErrorMessage(errCode: number | undefined, errMsg = ''): string {
  switch (errCode) {
    case 20004:
      return '您在微信里关闭了“接收订阅消息”。请点右上角“···”→“设置”→“订阅消息”，打开后再点一次'
    case 10002:
    case 10003:
      return '网络连接不稳定，没能开启提醒，请稍后再点一次'
    case 10005:
      return '没能显示提醒设置，请回到本页后再点一次'
    case 20001:
    case 20002:
    case 20003:
    case 10001:
    case 10004:
      return '提醒功能暂未开通，请稍后再试'
    case 20005:
      return '提醒功能暂时无法使用，请稍后再试'
    default:
      if (/cancel/i.test(errMsg)) return '您没有开启提醒。需要时可以再点一次'
      return '没能开启提醒，请稍后再点一次'
  }
}

/** Builds the recordSubscription payload from WeChat's answer (exported for tests). */
export function mapAnswers(
  answer: Record<string, unknown>,
  ids: Partial<Record<SubscriptionTemplate, string>>,
): Pick<SubscribeOutcome, 'answers' | 'accepted' | 'refused'> & { templates: { kind: SubscriptionTemplate; accepted: boolean }[] } {
  const answers = {} as SubscribeOutcome['answers']
  const templates: { kind: SubscriptionTemplate; accepted: boolean }[] = []
  for (const kind of REMINDER_TEMPLATES) {
    const id = ids[kind]
    if (!id) {
      answers[kind] = 'skipped'
      continue
    }
    const a = answer[id]
    const value: SubscribeAnswer | 'missing' = a === 'accept' || a === 'reject' || a === 'ban' || a === 'filter' ? a : 'missing'
    answers[kind] = value
    if (value === 'accept') templates.push({ kind, accepted: true })
    else if (value === 'reject' || value === 'ban') templates.push({ kind, accepted: false })
  }
  return {
    answers,
    templates,
    accepted: templates.filter((t) => t.accepted).map((t) => t.kind),
    refused: templates.filter((t) => !t.accepted).map((t) => t.kind),
  }
}

type RequestSubscribe = (opts: { tmplIds: string[] }) => Promise<Record<string, unknown>>

function requestSubscribeApi(): RequestSubscribe | undefined {
  const fn = (Taro as unknown as { requestSubscribeMessage?: RequestSubscribe }).requestSubscribeMessage
  return typeof fn === 'function' ? fn : undefined
}

async function record(
  templates: { kind: SubscriptionTemplate; accepted: boolean }[],
): Promise<Result<SubscriptionsView>> {
  const r = await callFunction('recordSubscription', { templates })
  if (r.ok) return r
  // Asked WeChat fine, but the answer could not be kept: say so in plain words.
  if (r.error.code === 'NETWORK_ERROR' || r.error.code === 'SERVICE_UNAVAILABLE' || r.error.code === 'INTERNAL') {
    return failWith(r.error.code, '提醒设置没能保存，请稍后再点一次')
  }
  return r
}

/**
 * The button's handler. MUST be called directly from a tap (WeChat refuses otherwise): the WeChat
 * dialog is requested synchronously, before anything is awaited.
 */
export function requestReminderSubscriptions(): Promise<Result<SubscribeOutcome>> {
  if (currentPlatform() === 'h5') return localStandIn()

  const all = reminderTemplateIds()
  const ids: Partial<Record<SubscriptionTemplate, string>> = {}
  for (const kind of REMINDER_TEMPLATES) if (!isPlaceholder(all[kind])) ids[kind] = all[kind]
  const tmplIds = Object.values(ids).filter((id): id is string => Boolean(id))
  if (tmplIds.length === 0) return Promise.resolve(failWith('FEATURE_NOT_READY', '提醒功能暂未开通，请稍后再试'))

  const api = requestSubscribeApi()
  if (!api) return Promise.resolve(failWith('FEATURE_NOT_READY', '您的微信版本较低，请升级微信后再开启提醒'))

  let asked: Promise<Record<string, unknown>>
  try {
    // ≤ 5 per call (WECHAT-FACTS §5): we ask for 3.
    asked = api({ tmplIds: tmplIds.slice(0, 5) })
  } catch (e) {
    asked = Promise.reject(e)
  }
  return asked.then(
    async (answer) => {
      const mapped = mapAnswers(answer ?? {}, ids)
      const saved = await record(mapped.templates)
      if (!saved.ok) return saved
      return {
        ok: true as const,
        data: { mode: 'weapp' as const, answers: mapped.answers, accepted: mapped.accepted, refused: mapped.refused, subscriptions: saved.data.subscriptions },
      }
    },
    (e: unknown) => {
      const err = (e ?? {}) as { errCode?: number; errMsg?: string }
      return failWith('SERVICE_UNAVAILABLE', subscribeErrorMessage(err.errCode, err.errMsg))
    },
  )
}

/** H5 / local: no WeChat dialog; record acceptance for all three kinds and say it was simulated. */
async function localStandIn(): Promise<Result<SubscribeOutcome>> {
  const templates = REMINDER_TEMPLATES.map((kind) => ({ kind, accepted: true }))
  const saved = await record(templates)
  if (!saved.ok) return saved
  const answers = {} as SubscribeOutcome['answers']
  for (const kind of REMINDER_TEMPLATES) answers[kind] = 'accept'
  return {
    ok: true,
    data: { mode: 'local', answers, accepted: [...REMINDER_TEMPLATES], refused: [], subscriptions: saved.data.subscriptions, note: LOCAL_STANDIN_NOTE },
  }
}

/**
 * 申诉进度通知, asked for when an appeal is filed (TAP-ONLY like the reminders: call it straight from
 * the button's onClick). Never fails the filing: the answer is best effort and says nothing on refusal.
 * H5 / local: the stand-in records acceptance.
 */
export function requestAppealSubscription(): Promise<boolean> {
  if (currentPlatform() === 'h5') return record([{ kind: 'appealUpdate', accepted: true }]).then((r) => r.ok)
  const id = appealTemplateId()
  const api = requestSubscribeApi()
  if (isPlaceholder(id) || !api) return Promise.resolve(false)
  let asked: Promise<Record<string, unknown>>
  try {
    asked = api({ tmplIds: [id] })
  } catch (e) {
    asked = Promise.reject(e)
  }
  return asked.then(
    async (answer) => {
      const a = answer?.[id]
      if (a !== 'accept' && a !== 'reject' && a !== 'ban') return false
      const saved = await record([{ kind: 'appealUpdate', accepted: a === 'accept' }])
      return saved.ok && a === 'accept'
    },
    () => false,
  )
}

/** The current subscriptions (recordSubscription with an empty event records nothing). */
export function getReminderSubscriptions(): Promise<Result<SubscriptionsView>> {
  return callFunction('recordSubscription', { templates: [] })
}

/** Whether any reminder can still reach this account (a credit or a long-term subscription). */
export function remindersOn(subscriptions: SubscriptionView[], kind: SubscriptionTemplate = 'certDue'): boolean {
  const s = subscriptions.find((x) => x.kind === kind)
  return Boolean(s && (s.longTerm || s.credits > 0))
}

/** Developer-only 消息发件箱 (the local openapi adapter's inbox; refused in production). */
export function listInbox(query: Partial<InboxQuery> = {}): Promise<Result<InboxView>> {
  return callFunction('listInbox', query)
}
