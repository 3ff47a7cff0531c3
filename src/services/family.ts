/**
 * 家人 (relatives), share cards, printed-notice codes, 认证查询 and the subject-aware 开始认证, as typed
 * service functions over the cloud functions. Each returns a Result; none throws. Nothing personal
 * goes into a path or query: a relative is named by its opaque relativeId, a share card by its token,
 * a notice by its code.
 */
import type { StartCertificationEvent, CertificationSessionView } from '@/core/contracts/certification'
import type { AddRelativeForm, RelativeView, RelativesView, StatusQueryForm, StatusQueryView } from '@/core/contracts/family'
import type { NoticeResolvedView } from '@/core/contracts/notices'
import type { RevokeShareEvent, ShareCreatedView, ShareOpenedView, ShareRevokedView } from '@/core/contracts/share'
import type { Result } from '@/core/errors'
import { callFunction } from './call-function'

export function listRelatives(): Promise<Result<RelativesView>> {
  return callFunction('listRelatives', {})
}

export function addRelative(form: AddRelativeForm): Promise<Result<RelativeView>> {
  return callFunction('addRelative', form)
}

export function removeRelative(relativeId: string): Promise<Result<{ removed: true }>> {
  return callFunction('removeRelative', { relativeId })
}

export function createShare(relativeId: string): Promise<Result<ShareCreatedView>> {
  return callFunction('createShare', { relativeId })
}

export function openShare(token: string): Promise<Result<ShareOpenedView>> {
  return callFunction('openShare', { token })
}

export function revokeShare(event: RevokeShareEvent): Promise<Result<ShareRevokedView>> {
  return callFunction('revokeShare', event)
}

export function resolveNotice(code: string): Promise<Result<NoticeResolvedView>> {
  return callFunction('resolveNotice', { code })
}

export function queryStatus(form: StatusQueryForm): Promise<Result<StatusQueryView>> {
  return callFunction('queryStatus', form)
}

/** 开始认证 for a subject: {} = the bound 本人; or a relativeId / shareToken / noticeCode. */
export function startCertificationFor(subject: StartCertificationEvent = {}): Promise<Result<CertificationSessionView>> {
  return callFunction('startCertification', subject)
}
