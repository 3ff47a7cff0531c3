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

export type FacingChoice = { value: Facing; label: string; detail: string }

export const FACING_CHOICES: ReadonlyArray<FacingChoice> = [
  { value: 'front', label: '我自己拿手机', detail: '用前面的摄像头，您能在屏幕上看到自己' },
  { value: 'back', label: '家人帮忙拿手机', detail: '用后面的摄像头，家人对着您拍，由您本人做动作' },
]

/** 帮TA认证: the reader is the helper, so the choices speak of 您 (helper) and 家人 (the person). */
export const HELPER_FACING_CHOICES: ReadonlyArray<FacingChoice> = [
  { value: 'back', label: '我帮家人拿手机', detail: '用后面的摄像头，您对着家人拍，由家人本人做动作' },
  { value: 'front', label: '家人自己拿手机', detail: '用前面的摄像头，家人能在屏幕上看到自己' },
]

export const CAMERA_WHY = '认证要用摄像头看到您本人的脸和动作。画面只用于这一次认证。'
export const HELPER_CAMERA_WHY = '认证要用摄像头看到您家人的脸和动作。画面只用于这一次认证。'

/** Under 开始认证 on the first screen: the explanations are further down. At 特大 it wraps between its phrases. */
export const SCROLL_HINT_PHRASES = ['下面有', '认证说明，', '可以往下看。'] as const
export const SCROLL_HINT = SCROLL_HINT_PHRASES.join('')

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

/** As phrases for the card's heading (需要允许 / 使用摄像头 at 特大), whole for speech. */
export const PERMISSION_DENIED_TITLE_PHRASES = ['需要允许', '使用摄像头'] as const
export const PERMISSION_DENIED_TITLE = PERMISSION_DENIED_TITLE_PHRASES.join('')

/**
 * Said when the camera was refused. weapp: the recorded sentence, true there (the button opens the
 * settings). H5 has no settings button: the page's own words, which name the browser's lock and
 * 重新检查.
 */
export const DENIED_SPOKEN_WEAPP = '摄像头没有打开，请点击下面的按钮，在设置里允许使用摄像头'
export function permissionDeniedSpeech(platform: Platform): string {
  return platform === 'h5' ? speechOf([PERMISSION_DENIED_TITLE, permissionDeniedSteps('h5')]) : DENIED_SPOKEN_WEAPP
}

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

/** 我要申诉 from a share card or a notice (no bound account to file with): how to do it instead. */
export const APPEAL_WITHOUT_ACCOUNT = '申诉或申请上门认证，请在“银龄认证”首页绑定本人社保卡后点“我要申诉 / 申请上门认证”，也可以请家人帮您申请，或带上身份证到社保经办机构窗口办理。'
/** Has a recorded clip: said (and shown) from the third failure of a day. */
export const APPEAL_ADVICE = '多次没有通过，可以申诉，也可以到社区或经办机构认证'
export const OFFLINE_WAYS_TITLE = '也可以换一种方式认证：'
export const PENDING_REVIEW_BODY = '您的动作已经完成，工作人员会再核对一下。不用重复认证，请耐心等待，核对完成后可以在“认证记录”里看到结果。'
/** For a person who has no 认证记录 to look at here (came from a share card or a notice). */
export const PENDING_REVIEW_BODY_UNBOUND = '您的动作已经完成，工作人员会再核对一下。不用重复认证，请耐心等待，您不用再做别的事。'

export function speechOf(parts: ReadonlyArray<string | readonly string[]>): string {
  return parts
    .flatMap((p) => (typeof p === 'string' ? [p] : [...p]))
    .map((s) => s.replace(/[。.!！]$/, ''))
    .filter(Boolean)
    .join('。')
    .concat('。')
}

/** weapp 人脸核身 (wx.requestFacialVerify) before the camera: while WeChat's own screen is open. */
export const IDENTITY_RUNNING = '正在打开微信人脸核身，请按微信的提示做'
/** WeChat's 人脸核身 screen ended without finishing (cancelled, no permission, network …): nothing is counted. */
export const IDENTITY_INCOMPLETE_TITLE = '微信人脸核身没有完成'
export const IDENTITY_INCOMPLETE_BODY = '没关系，这次不算认证失败。准备好以后，点“再试一次”。'
/** No wx.requestFacialVerify on this phone (WeChat base library below 3.8.12). */
export const IDENTITY_UNSUPPORTED_BODY = '您的微信版本太低，用不了微信人脸核身。请把微信升级到最新版本后再试。'
