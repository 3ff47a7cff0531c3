/** Every sentence of the certification pages, in one place (shown and read aloud). */
import type { Platform } from '@/services/platform'

export const NOTICE_WHY = {
  title: '为什么要认证',
  items: [
    '领取养老金的人，每年要认证一次，证明本人健在。',
    '到期没有认证，养老金会暂停发放。',
    '暂停后完成认证，次月恢复发放，暂停期间的钱会补发。',
  ],
} as const

export const NOTICE_HOW = {
  title: '怎样认证',
  items: [
    '找一个光线充足的地方，背后最好是白墙等简单的背景。',
    '把脸放在屏幕上的框内，摘下帽子和墨镜。',
    '按照屏幕上的大字和语音提示，慢慢做动作。',
    '其他人员请不要进入画面。',
  ],
} as const

export type Facing = 'front' | 'back'

export const FACING_CHOICES: ReadonlyArray<{ value: Facing; label: string; detail: string }> = [
  { value: 'front', label: '我自己拿手机', detail: '用前面的摄像头，您能在屏幕上看到自己' },
  { value: 'back', label: '家人帮忙拿手机', detail: '用后面的摄像头，家人对着您拍，由您本人做动作' },
]

export const CAMERA_WHY = '认证要用摄像头看到您本人的脸和动作。画面只用于这一次认证。'

export function permissionDeniedSteps(platform: Platform): string[] {
  return platform === 'h5'
    ? [
        '浏览器没有允许使用摄像头。',
        '请点地址栏左边的小锁（或“网站设置”），把“摄像头”改成“允许”，然后点下面的“重新检查”。',
      ]
    : [
        '您之前没有允许使用摄像头。',
        '请点下面的“去打开摄像头权限”，在打开的设置页里把“摄像头”的开关打开，再返回这里。',
      ]
}

export const PERMISSION_DENIED_TITLE = '需要允许使用摄像头'

/** Other ways to certify, for when this phone cannot do it. */
export const OFFLINE_WAYS: readonly string[] = [
  '到所在社区（村）的服务站认证',
  '到社保经办机构的窗口认证',
  '行动不便的，可以打电话给社保经办机构，申请工作人员上门认证',
]

export const LATER_WAYS: readonly string[] = ['以后还可以请家人用他们自己的手机代为认证（即将开放）']

export const UNSUPPORTED_TITLE = '这部手机暂时不能刷脸认证'
export const UNSUPPORTED_BODY = '这部手机或当前的微信版本不支持人脸检测。您的认证状态没有改变，可以换一种方式认证：'

export const CAMERA_UNAVAILABLE_TITLE = '摄像头打不开'
export const CAMERA_UNAVAILABLE_BODY = '摄像头可能正被其他应用使用。请关掉其他用到摄像头的应用，再点“重新开始”。'

export const SUBMIT_FAILED_TITLE = '网络不太好，认证结果还没有提交'
export const SUBMIT_FAILED_BODY = '您做的动作已经保存在手机上，不用重新做。请点“重试”再提交一次。'

export const APPEAL_SOON = '申诉功能即将开放。现在如需申诉，请带上身份证到社保经办机构窗口办理。'
export const PENDING_REVIEW_BODY = '您的动作已经完成，工作人员会再核对一下。不用重复认证，请耐心等待，核对完成后可以在“认证记录”里看到结果。'

export function speechOf(parts: ReadonlyArray<string | readonly string[]>): string {
  return parts
    .flatMap((p) => (typeof p === 'string' ? [p] : [...p]))
    .map((s) => s.replace(/[。.!！]$/, ''))
    .filter(Boolean)
    .join('。')
    .concat('。')
}
