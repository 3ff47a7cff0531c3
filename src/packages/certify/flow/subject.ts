/**
 * Whose certification the flow runs: the bound 本人 (no subject), a linked relative (代他人认证, its
 * opaque relativeId), a share card's token, or a printed notice's code. The subject travels between
 * the certification pages as ONE query parameter holding only that opaque reference — never a name or
 * an ID number:
 *
 *   认证须知 ?relative=<uuid> | ?share=<token> | ?scene=n%3D<code>   (entry: list, share card, notice)
 *   camera   ?facing=…&relative=<uuid> | &share=<token> | &notice=<code>
 *
 * Plain TypeScript (no Taro), so the pages and tests share it.
 */
import type { StartCertificationEvent } from '@/core/contracts/certification'
import { NOTICE_CODE_PATTERN, parseNoticeScene } from '@/core/contracts/notices'
import { SHARE_TOKEN_PATTERN } from '@/core/contracts/share'
import { MEMBER_REF_PATTERN } from '@/core/contracts/unit-admin'

export type CertSubject =
  | { kind: 'self' }
  | { kind: 'relative'; relativeId: string }
  | { kind: 'share'; token: string }
  | { kind: 'notice'; code: string }
  /** 单位专管员: a member of the caller's unit (its opaque ref from the 单位认证 list). */
  | { kind: 'unit'; memberRef: string }

/** Query keys on the certification pages. */
export const SUBJECT_KEYS = { relative: 'relative', share: 'share', notice: 'notice', scene: 'scene', unit: 'unit' } as const

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/**
 * The subject named by a page's (decoded) query. A present but malformed share token or notice
 * scene still names a share / notice (with the raw value), so the page can say it is not valid
 * instead of silently certifying the 本人; a malformed relativeId is ignored the same way the backend
 * would refuse it (RELATIVE_NOT_FOUND) — it is kept so the backend answers.
 */
export function subjectFromParams(params: Record<string, string | undefined>): CertSubject {
  const share = params[SUBJECT_KEYS.share]
  if (typeof share === 'string' && share.trim() !== '') return { kind: 'share', token: share.trim() }
  const notice = params[SUBJECT_KEYS.notice]
  if (typeof notice === 'string' && notice.trim() !== '') return { kind: 'notice', code: notice.trim() }
  const scene = params[SUBJECT_KEYS.scene]
  if (typeof scene === 'string' && scene.trim() !== '') return { kind: 'notice', code: parseNoticeScene(scene) ?? '' }
  const unit = params[SUBJECT_KEYS.unit]
  if (typeof unit === 'string' && unit.trim() !== '') return { kind: 'unit', memberRef: unit.trim() }
  const relative = params[SUBJECT_KEYS.relative]
  if (typeof relative === 'string' && relative.trim() !== '') return { kind: 'relative', relativeId: relative.trim() }
  return { kind: 'self' }
}

/** Is the reference well-formed (worth asking the backend about)? */
export function subjectWellFormed(s: CertSubject): boolean {
  switch (s.kind) {
    case 'self':
      return true
    case 'relative':
      return UUID.test(s.relativeId)
    case 'share':
      return SHARE_TOKEN_PATTERN.test(s.token)
    case 'notice':
      return NOTICE_CODE_PATTERN.test(s.code)
    case 'unit':
      return MEMBER_REF_PATTERN.test(s.memberRef)
  }
}

/** The startCertification event for a subject ({} for the 本人). */
export function startEventFor(s: CertSubject): StartCertificationEvent {
  switch (s.kind) {
    case 'self':
      return {}
    case 'relative':
      return { relativeId: s.relativeId }
    case 'share':
      return { shareToken: s.token }
    case 'notice':
      return { noticeCode: s.code }
    case 'unit':
      return { unitMemberRef: s.memberRef }
  }
}

/** The query that carries the subject to the camera page ({} for the 本人). */
export function subjectQuery(s: CertSubject): Record<string, string> {
  switch (s.kind) {
    case 'self':
      return {}
    case 'relative':
      return { [SUBJECT_KEYS.relative]: s.relativeId }
    case 'share':
      return { [SUBJECT_KEYS.share]: s.token }
    case 'notice':
      return { [SUBJECT_KEYS.notice]: s.code }
    case 'unit':
      return { [SUBJECT_KEYS.unit]: s.memberRef }
  }
}
