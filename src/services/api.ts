/** Typed service functions used by pages and hooks. Each returns a Result; none throws. */
import type { BindManualForm } from '@/core/contracts/binding'
import type { BindingView, LoginView, RecordsView, StatusView } from '@/core/contracts/views'
import type { Result } from '@/core/errors'
import { callFunction } from './call-function'

export function login(): Promise<Result<LoginView>> {
  return callFunction('login', {})
}

export function getStatus(): Promise<Result<StatusView>> {
  return callFunction('getStatus', {})
}

/** The bound person's records, or with relativeId a linked 家人's. */
export function listRecords(query: { limit?: number; before?: string; relativeId?: string } = {}): Promise<Result<RecordsView>> {
  return callFunction('listRecords', query)
}

export function bindManual(form: BindManualForm): Promise<Result<BindingView>> {
  return callFunction('bindIdentity', { method: 'manual', ...form })
}

export function bindWithSscAuthorization(authorization: string): Promise<Result<BindingView>> {
  return callFunction('bindIdentity', { method: 'ssc', authorization })
}

export function unbind(): Promise<Result<{ unbound: true }>> {
  return callFunction('unbindIdentity', {})
}

/** Local stand-in for the national 电子社保卡 app (refused by the gateway in production). */
export function localSscAuthorize(name: string, idNumber: string): Promise<Result<{ authorization: string }>> {
  return callFunction('localSscAuthorize', { name, idNumber })
}

/** 开始认证 / 完成认证 (see certification.ts). */
export { completeCertification, startCertification } from './certification'

/** 家人, share cards, notice codes, 认证查询 (see family.ts). */
export {
  addRelative,
  createShare,
  listRelatives,
  openShare,
  queryStatus,
  removeRelative,
  resolveNotice,
  revokeShare,
  startCertificationFor,
} from './family'

/** 订阅提醒 and the developer-only 消息发件箱 (see subscribe.ts). */
export { getReminderSubscriptions, listInbox, requestReminderSubscriptions } from './subscribe'
