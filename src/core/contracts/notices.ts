/**
 * Printed notices: each mailed notice carries a mini-program code whose scene is `n=<code>` (a random
 * 12-character code, no personal data; WeChat allows at most 32 characters from
 * [0-9A-Za-z!#$&'()*+,/:;=?@-._~]). On weapp the entry page reads decodeURIComponent(options.scene);
 * the H5 link is `/packages/certify/index?scene=n%3D<code>`. See docs/notices.md.
 */
import * as v from 'valibot'
import { CallerSchema } from './common'
import { CERTIFY_ENTRY_PAGE } from './share'

export const NOTICE_CODE_LENGTH = 12
export const NOTICE_CODE_ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'
export const NOTICE_CODE_PATTERN = /^[0-9A-Za-z]{12}$/
export const NOTICE_SCENE_PREFIX = 'n='
/** Characters WeChat allows in a scene (wxacode.getUnlimited), at most 32 of them. */
export const SCENE_PATTERN = /^[0-9A-Za-z!#$&'()*+,/:;=?@\-._~]{1,32}$/

export const NoticeCodeSchema = v.pipe(v.string('NOTICE_INVALID'), v.trim(), v.regex(NOTICE_CODE_PATTERN, 'NOTICE_INVALID'))

export const noticeScene = (code: string): string => `${NOTICE_SCENE_PREFIX}${code}`

/**
 * The notice code in a scene as the page receives it: `n=<code>` (decoded by the page) or still
 * URL-encoded (`n%3D<code>`). Anything else → undefined (the caller answers NOTICE_INVALID).
 */
export function parseNoticeScene(raw: unknown): string | undefined {
  if (typeof raw !== 'string' || raw.length > 96) return undefined
  let scene = raw.trim()
  for (let i = 0; i < 2 && scene.includes('%'); i++) {
    try {
      scene = decodeURIComponent(scene)
    } catch {
      return undefined
    }
  }
  if (!SCENE_PATTERN.test(scene) || !scene.startsWith(NOTICE_SCENE_PREFIX)) return undefined
  const code = scene.slice(NOTICE_SCENE_PREFIX.length)
  return NOTICE_CODE_PATTERN.test(code) ? code : undefined
}

/** The H5 address a local notice QR points at. */
export function noticeH5Url(publicUrl: string, code: string): string {
  return `${publicUrl.replace(/\/+$/, '')}/${CERTIFY_ENTRY_PAGE}?scene=${encodeURIComponent(noticeScene(code))}`
}

/** resolveNotice event: the code itself, or the scene as the page got it. */
export const ResolveNoticeEventSchema = v.union([v.object({ code: v.string('NOTICE_INVALID') }), v.object({ scene: v.string('NOTICE_INVALID') })], 'NOTICE_INVALID')
export type ResolveNoticeEvent = v.InferOutput<typeof ResolveNoticeEventSchema>

/** Answer of resolveNotice: whose notice it is (masked) and where they stand. */
export const NoticeResolvedViewSchema = v.object({
  maskedName: v.string(),
  /** The notice's cycle (year). */
  cycle: v.number(),
  nextDueMonthLabel: v.string(),
  /** The last day to certify, e.g. 2026年12月31日. */
  nextDueDeadlineLabel: v.string(),
  statusLabel: v.string(),
  /**
   * The agency serving the person, from the roster person's region on the server (never from the
   * code or link): how the person tells a genuine notice from a fake one.
   */
  agency: v.object({ name: v.string(), hotline: v.string() }),
})
export type NoticeResolvedView = v.InferOutput<typeof NoticeResolvedViewSchema>

export const BackendNoticeCodeSchema = v.object({ caller: CallerSchema, code: NoticeCodeSchema })

