/**
 * Fixed sentences of the certification pages (src/packages/certify/**) that are spoken aloud, besides
 * the liveness engine's own prompts (src/core/liveness/session/texts.ts). `npm run audio:prompts`
 * makes one audio file per sentence; the pages may import these constants so that the text shown and
 * the text spoken cannot drift apart. A sentence added here (or in texts.ts) without regenerating the
 * audio fails __tests__/scripts/audio-prompts.test.ts.
 *
 * Only fixed sentences belong here: anything with a date, a name or a number is shown, not pre-recorded
 * (the browser's speechSynthesis may still read it where it has a Chinese voice).
 */
export const CERTIFY_PROMPTS = {
  /** 认证须知, read when the page opens. */
  notice: '每年需要认证一次。请在光线充足的地方，面对屏幕，把脸放进框内，其他人员请不要进入画面。',
  /** Permission page: why the camera is needed. */
  cameraWhy: '认证需要使用摄像头，确认是您本人',
  /** Permission refused. */
  cameraDenied: '摄像头没有打开，请点击下面的按钮，在设置里允许使用摄像头',
  /** Face tracking cannot run on this phone / browser. */
  unsupported: '这台手机暂时不能刷脸认证，可以到社区或经办机构办理',
  /** After the actions, while the backend verifies (shown as two lines, said as one sentence). */
  verifying: '正在核验，请稍等，请不要退出',
  /** Camera page: an action asked again after its time ran out. */
  retryCalm: '不着急，再做一次',
  /** Result: passed. */
  passed: '认证通过，记录已保存',
  /** Result: failed (the reason is spoken from FAIL_TEXTS when it is a liveness failure). */
  failed: '认证未通过',
  /** Result: failed, how to go on. */
  retry: '请点击重新认证，再试一次',
  /** Result: three failures in a day. */
  offline: '多次没有通过，可以申诉，也可以到社区或经办机构认证',
  /** The session expired (the backend's message). */
  expired: '本次认证已超时，请重新开始',
} as const

export type CertifyPromptKey = keyof typeof CERTIFY_PROMPTS

export const EXTRA_PROMPTS: readonly string[] = Object.values(CERTIFY_PROMPTS)
