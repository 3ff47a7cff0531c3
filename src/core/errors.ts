/**
 * Stable error codes shared by mini-program, cloud functions and backend, each with the plain
 * Chinese sentence shown to people. Programs match on the code; people read the message.
 */
export const ERROR_MESSAGES = {
  // Input format (field-level)
  VALIDATION_FAILED: '填写的内容有误，请检查后重试',
  NAME_REQUIRED: '请填写姓名',
  NAME_INVALID: '请填写正确的姓名',
  ID_REQUIRED: '请填写身份证号',
  ID_LENGTH: '身份证号长度不对，应为 18 位',
  ID_ILLEGAL_CHARS: '身份证号含有非法字符',
  ID_BIRTH_DATE: '身份证号中的出生日期无效',
  ID_CHECKSUM: '身份证号校验位错误，请核对最后一位',
  ID_LEGACY_15: '15 位旧号码请使用 18 位新号码',
  CARD_NUMBER_REQUIRED: '请填写社会保障卡号',
  CARD_NUMBER_INVALID: '社会保障卡号格式不对，请核对卡面上的卡号',
  INSURANCE_TYPE_INVALID: '请选择险种',
  // Roster checks
  PERSON_NOT_FOUND: '未找到参保信息，请核对后重试或联系当地社保经办机构',
  DETAILS_MISMATCH: '填写的信息与参保登记信息不一致，请核对后重试',
  PERSON_BOUND_ELSEWHERE: '这张社保卡已被另一个微信绑定为本人。如需帮家人认证，请回到首页点“家人认证”，再点“帮TA认证”',
  ACCOUNT_ALREADY_BOUND: '您已绑定本人社保卡，如需更换请先解除绑定',
  NOT_BOUND: '请先绑定本人社保卡',
  SSC_AUTH_INVALID: '电子社保卡授权已失效，请重新授权',
  ID_NUMBER_CHECKS_LIMITED: '这个身份证号今天核对不成功的次数太多了。为保护本人信息，今天不再说明哪里不对：请仔细核对姓名、身份证号和卡号后再试，或者明天再试；着急的话，请带上身份证到当地社保经办机构办理',
  // Certification sessions (开始认证 → 完成认证)
  SESSION_NOT_FOUND: '没有找到这次认证，请重新开始',
  SESSION_EXPIRED: '本次认证已超时，请重新开始',
  SESSION_NONCE_MISMATCH: '认证信息不一致，请重新开始',
  TOO_MANY_SESSIONS: '已有认证正在进行，请先完成或稍后再试',
  LIVENESS_MISMATCH: '动作检测结果核对不一致，请重新认证',
  TRACE_IMPLAUSIBLE: '动作检测数据有误，请重新认证',
  TRACE_REUSED: '这段动作检测数据已经用过，请重新认证',
  EVIDENCE_MISMATCH: '认证时拍下的照片和动作对不上，请本人对着镜头重新认证',
  // 家人 (relatives), share cards, printed notices, 认证查询
  RELATION_INVALID: '请选择这位家人与您的关系',
  RELATIVES_LIMIT: '最多可以添加 8 位家人。如需添加新的家人，请先在家人列表中移除一位',
  RELATIVE_IS_SELF: '这是您本人的参保信息，无需添加为家人，请直接在首页认证',
  RELATIVE_NOT_FOUND: '没有找到这位家人，请回到家人列表重新选择',
  SHARE_INVALID: '这个分享链接无法识别。请让家人在“银龄认证”的家人列表里重新发送，或直接打开“银龄认证”小程序认证',
  SHARE_EXPIRED: '这个分享链接已过期（7 天内有效）。请让家人重新发送一次',
  SHARE_REVOKED: '家人已撤回这个分享链接。如仍需认证，请让家人重新发送',
  SHARE_USED: '这次认证已经完成，无需再次认证。可以打开“银龄认证”查看认证状态',
  NOTICE_INVALID: '无法识别这个认证码。请核对通知单后重新扫码，或打开“银龄认证”小程序绑定本人后认证，也可拨打通知单上的咨询电话',
  NOTICE_ALREADY_CERTIFIED: '本年度已经完成认证，无需再次认证',
  // Caller identity and transport
  UNAUTHENTICATED: '请先登录',
  SIGNATURE_MISSING: '请求未签名',
  SIGNATURE_INVALID: '请求签名无效',
  REQUEST_STALE: '请求已过期，请重试',
  REQUEST_REPLAYED: '重复的请求',
  PAYLOAD_TOO_LARGE: '提交的内容过大',
  REQUEST_TIMEOUT: '网络太慢，内容没有传完，请再试一次',
  BAD_REQUEST: '请求格式不正确',
  NOT_FOUND: '请求的内容不存在',
  RATE_LIMITED: '操作太频繁，请稍后再试',
  FORBIDDEN_IN_PRODUCTION: '该功能仅在本地演示环境可用',
  FEATURE_NOT_READY: '该功能正在建设中',
  SERVICE_UNAVAILABLE: '服务暂时不可用，请稍后再试',
  NETWORK_ERROR: '网络连接不稳定，请稍后再试',
  INTERNAL: '服务暂时不可用，请稍后再试',
} as const

export type ErrorCode = keyof typeof ERROR_MESSAGES

export interface AppError {
  code: ErrorCode
  message: string
  /** Name of the input field the error is about, when there is one. */
  field?: string
}

export function appError(code: ErrorCode, field?: string): AppError {
  return field === undefined ? { code, message: ERROR_MESSAGES[code] } : { code, message: ERROR_MESSAGES[code], field }
}

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(ERROR_MESSAGES, value)
}

/** A typed outcome: services and handlers return this instead of throwing across boundaries. */
export type Result<T> = { ok: true; data: T } | { ok: false; error: AppError }

export const ok = <T>(data: T): Result<T> => ({ ok: true, data })
export const fail = <T = never>(code: ErrorCode, field?: string): Result<T> => ({ ok: false, error: appError(code, field) })
