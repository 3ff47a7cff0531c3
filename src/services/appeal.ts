/** 我要申诉 / 申请上门认证 as typed service calls (src/core/contracts/appeals.ts). Each returns a Result; none throws. */
import type { AppealStatusView, AppealView, FileAppealEvent } from '@/core/contracts/appeals'
import type { Result } from '@/core/errors'
import { callFunction } from './call-function'

export function fileAppeal(event: FileAppealEvent): Promise<Result<AppealView>> {
  return callFunction('fileAppeal', event)
}

/** The latest appeal of the bound person, or — with a relativeId — of that 家人. */
export function getAppeal(relativeId?: string): Promise<Result<AppealStatusView>> {
  return callFunction('getAppeal', relativeId ? { relativeId } : {})
}
