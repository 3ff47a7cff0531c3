import { detailSentence, readErrorDetail, type ErrorDetail } from './error-detail'

export type { ErrorDetail } from './error-detail'

/**
 * Stable error codes shared by mini-program, cloud functions and backend: the ONE table of each
 * code's HTTP status and the plain Chinese sentence shown to people. Programs match on the code;
 * people read the message. 400 is input the person can correct.
 */
interface ErrorSpec {
  status: number
  message: string
  /** Never answered with a field (see isOpaqueCode). */
  opaque?: true
}

export const ERRORS = {
  // Input format (field-level)
  VALIDATION_FAILED: { status: 400, message: '填写的内容有误，请检查后重试' },
  NAME_REQUIRED: { status: 400, message: '请填写姓名' },
  NAME_INVALID: { status: 400, message: '请填写正确的姓名' },
  ID_REQUIRED: { status: 400, message: '请填写身份证号' },
  ID_LENGTH: { status: 400, message: '身份证号长度不对，应为 18 位' },
  ID_ILLEGAL_CHARS: { status: 400, message: '身份证号含有非法字符' },
  ID_BIRTH_DATE: { status: 400, message: '身份证号中的出生日期无效' },
  ID_CHECKSUM: { status: 400, message: '身份证号校验位错误，请核对最后一位' },
  ID_LEGACY_15: { status: 400, message: '15 位旧号码请使用 18 位新号码' },
  CARD_NUMBER_REQUIRED: { status: 400, message: '请填写社会保障卡号' },
  CARD_NUMBER_INVALID: { status: 400, message: '社会保障卡号格式不对，请核对卡面上的卡号' },
  INSURANCE_TYPE_INVALID: { status: 400, message: '请选择险种' },
  // Roster checks
  PERSON_NOT_FOUND: { status: 404, message: '未找到参保信息，请核对后重试或联系当地社保经办机构' },
  DETAILS_MISMATCH: { status: 400, message: '填写的信息与参保登记信息不一致，请核对后重试' },
  PERSON_BOUND_ELSEWHERE: { status: 409, message: '这张社保卡已被另一个微信绑定为本人。如需帮家人认证，请回到首页点“家人认证”，再点“帮TA认证”' },
  ACCOUNT_ALREADY_BOUND: { status: 409, message: '您已绑定本人社保卡，如需更换请先解除绑定' },
  NOT_BOUND: { status: 409, message: '请先绑定本人社保卡' },
  SSC_AUTH_INVALID: { status: 400, message: '电子社保卡授权已失效，请重新授权' },
  ID_NUMBER_CHECKS_LIMITED: { status: 429, message: '这个身份证号今天核对不成功的次数太多了。为保护本人信息，今天不再说明哪里不对：请仔细核对姓名、身份证号和卡号后再试，或者明天再试；着急的话，请带上身份证到当地社保经办机构办理' },
  // Certification sessions (开始认证 → 完成认证)
  SESSION_NOT_FOUND: { status: 404, message: '没有找到这次认证，请重新开始' },
  SESSION_EXPIRED: { status: 410, message: '本次认证已超时，请重新开始' },
  SESSION_NONCE_MISMATCH: { status: 409, message: '认证信息不一致，请重新开始' },
  /** The phone closed its own open session (cancelCertification): nothing was certified or counted. */
  SESSION_CANCELLED: { status: 409, message: '这次认证已经取消，没有算作认证失败，请重新开始' },
  TOO_MANY_SESSIONS: { status: 429, message: '已有认证正在进行，请先完成或稍后再试' },
  LIVENESS_MISMATCH: { status: 422, message: '动作检测结果核对不一致，请重新认证' },
  TRACE_IMPLAUSIBLE: { status: 422, message: '动作检测数据有误，请重新认证' },
  TRACE_REUSED: { status: 409, message: '这段动作检测数据已经用过，请重新认证' },
  EVIDENCE_MISMATCH: { status: 422, message: '认证时拍下的照片和动作对不上，请本人对着镜头重新认证' },
  /** WeChat 人脸核身 answered verify_ret 9xxxx (cancelled, no permission, device, timeout …): not a failed certification. */
  IDENTITY_NOT_COMPLETED: { status: 409, message: '微信人脸核身没有完成，这次不算认证失败，请重新开始' },
  // 家人 (relatives), share cards, printed notices, 认证查询
  RELATION_INVALID: { status: 400, message: '请选择这位家人与您的关系' },
  RELATIVES_LIMIT: { status: 409, message: '最多可以添加 8 位家人。如需添加新的家人，请先在家人列表中移除一位' },
  RELATIVE_IS_SELF: { status: 409, message: '这是您本人的参保信息，无需添加为家人，请直接在首页认证' },
  RELATIVE_NOT_FOUND: { status: 404, message: '没有找到这位家人，请回到家人列表重新选择', opaque: true },
  SHARE_INVALID: { status: 404, message: '这个分享链接无法识别。请让家人在“银龄认证”的家人列表里重新发送，或直接打开“银龄认证”小程序认证', opaque: true },
  SHARE_EXPIRED: { status: 410, message: '这个分享链接已过期（7 天内有效）。请让家人重新发送一次' },
  SHARE_REVOKED: { status: 410, message: '家人已撤回这个分享链接。如仍需认证，请让家人重新发送' },
  SHARE_USED: { status: 409, message: '这次认证已经完成，无需再次认证。可以打开“银龄认证”查看认证状态' },
  NOTICE_INVALID: { status: 404, message: '无法识别这个认证码。请核对通知单后重新扫码，或打开“银龄认证”小程序绑定本人后认证，也可拨打通知单上的咨询电话', opaque: true },
  NOTICE_ALREADY_CERTIFIED: { status: 409, message: '本年度已经完成认证，无需再次认证' },
  // Caller identity and transport
  UNAUTHENTICATED: { status: 401, message: '请先登录' },
  SIGNATURE_MISSING: { status: 401, message: '请求未签名' },
  SIGNATURE_INVALID: { status: 401, message: '请求签名无效' },
  REQUEST_STALE: { status: 401, message: '请求已过期，请重试' },
  REQUEST_REPLAYED: { status: 401, message: '重复的请求' },
  PAYLOAD_TOO_LARGE: { status: 413, message: '提交的内容过大' },
  REQUEST_TIMEOUT: { status: 408, message: '网络太慢，内容没有传完，请再试一次' },
  BAD_REQUEST: { status: 400, message: '请求格式不正确' },
  NOT_FOUND: { status: 404, message: '请求的内容不存在' },
  RATE_LIMITED: { status: 429, message: '操作太频繁，请稍后再试' },
  FORBIDDEN_IN_PRODUCTION: { status: 403, message: '该功能仅在本地演示环境可用' },
  FEATURE_NOT_READY: { status: 501, message: '该功能正在建设中' },
  SERVICE_UNAVAILABLE: { status: 503, message: '服务暂时不可用，请稍后再试' },
  NETWORK_ERROR: { status: 503, message: '网络连接不稳定，请稍后再试' },
  // Agency: auth (sign-in, TOTP, passwords, users)
  AGENCY_SIGNIN_FAILED: { status: 401, message: '用户名或密码不正确' },
  AGENCY_ACCOUNT_LOCKED: { status: 423, message: '密码或验证码错误次数过多，账号已暂时锁定，请稍后再试' },
  AGENCY_TOTP_INVALID: { status: 401, message: '动态验证码不正确或已用过，请等验证器显示新的验证码后再输入' },
  AGENCY_PASSWORD_WEAK: { status: 400, message: '新密码太简单：至少 10 位，要同时有字母和数字，不能包含用户名' },
  AGENCY_PASSWORD_UNCHANGED: { status: 400, message: '新密码不能和原来的密码相同' },
  AGENCY_USERNAME_INVALID: { status: 400, message: '用户名只能用 3–32 位小写字母、数字、点、横线或下划线，并以字母或数字开头' },
  AGENCY_USERNAME_TAKEN: { status: 409, message: '这个用户名已经有人用了，请换一个' },
  AGENCY_REGION_INVALID: { status: 400, message: '行政区划代码不对：只能是您管辖范围内的数字代码' },
  AGENCY_USER_NOT_FOUND: { status: 404, message: '未找到该账号，或不在您的管辖范围内' },
  AGENCY_USER_SELF: { status: 400, message: '不能停用自己的账号' },
  // Agency: exports (结果导出, 逾期名单) and roster uploads (名册导入)
  AGENCY_EXPORT_NOT_FOUND: { status: 404, message: '未找到该导出，或不在您的管辖范围内' },
  AGENCY_EXPORT_NOT_READY: { status: 409, message: '导出文件还在生成，请稍后再下载' },
  AGENCY_EXPORT_FAILED: { status: 409, message: '导出文件生成失败，请重新导出' },
  AGENCY_EXPORT_BUSY: { status: 409, message: '本区域正在生成另一份结果导出，请稍后再试' },
  AGENCY_ROSTER_UPLOAD_NOT_FOUND: { status: 404, message: '未找到该次上传的名册' },
  AGENCY_ROSTER_UPLOAD_EMPTY: { status: 400, message: '上传的文件是空的，请选择名册 CSV 文件' },
  AGENCY_ROSTER_UPLOAD_TOO_LARGE: { status: 413, message: '文件太大（最大 50 MB），请分成几个文件上传' },
  AGENCY_ROSTER_UPLOAD_TYPE: { status: 415, message: '请上传 CSV 格式的名册文件' },
  AGENCY_ROSTER_UPLOAD_HAS_ERRORS: { status: 409, message: '名册中有错误的行，未导入任何数据，请下载错误明细修改后重新上传' },
  AGENCY_ROSTER_UPLOAD_NOT_READY: { status: 409, message: '名册还在检查中，请稍后再试' },
  // Agency: review, offline records and persons (人工审核, 线下认证登记, 人员查询)
  AGENCY_REVIEW_ALREADY_DECIDED: { status: 409, message: '这条认证已由其他审核员处理，请刷新列表' },
  AGENCY_REVIEW_NOT_PENDING: { status: 409, message: '这条认证不在待审核状态，无需审核' },
  AGENCY_REVIEW_REASON_REQUIRED: { status: 400, message: '请选择不通过的原因' },
  AGENCY_REVIEW_NOTE_REQUIRED: { status: 400, message: '选择“其他”时请填写说明' },
  AGENCY_REVIEW_NOTE_TOO_LONG: { status: 400, message: '说明不能超过 200 个字' },
  AGENCY_OFFLINE_DATE_INVALID: { status: 400, message: '认证日期有误：不能晚于今天，也不能早于上次认证日期' },
  AGENCY_OFFLINE_METHOD_INVALID: { status: 400, message: '请选择认证方式：窗口、社区或上门' },
  AGENCY_OFFLINE_PLACE_REQUIRED: { status: 400, message: '请填写认证地点（不超过 100 个字）' },
  AGENCY_OFFLINE_VERIFIED_HOW_INVALID: { status: 400, message: '请选择核实方式：查验身份证、视频或入户' },
  AGENCY_OFFLINE_NOTE_TOO_LONG: { status: 400, message: '备注不能超过 200 个字' },
  AGENCY_OFFLINE_REQUEST_ID_INVALID: { status: 400, message: '页面已过期，请刷新后重新填写' },
  AGENCY_OFFLINE_REQUEST_REUSED: { status: 409, message: '这次登记与之前提交的内容不一致，请刷新页面后重新填写' },
  AGENCY_PERSON_SEARCH_EMPTY: { status: 400, message: '请填写个人编号、姓名或身份证号中的一项' },
  AGENCY_PERSON_SEARCH_INVALID: { status: 400, message: '查询内容格式不对，请检查后重试' },
  // 我要申诉 / 申请上门认证 (appeals) and the console's 申诉 queue
  APPEAL_REASON_INVALID: { status: 400, message: '请选择申诉的原因' },
  APPEAL_NOTE_REQUIRED: { status: 400, message: '选择“其他”时请写一句说明（不超过 100 个字）' },
  APPEAL_PHONE_INVALID: { status: 400, message: '联系电话格式不对：请填写 11 位手机号，或带区号的固定电话（如 010-12345678）' },
  APPEAL_ADDRESS_REQUIRED: { status: 400, message: '申请上门认证，请填写详细住址（不超过 100 个字）' },
  APPEAL_ALREADY_OPEN: { status: 409, message: '已经有一件申诉在办理中，请耐心等待，不用重复提交' },
  APPEAL_NOT_FOUND: { status: 404, message: '未找到该申诉，或不在您的管辖范围内' },
  APPEAL_STATE_INVALID: { status: 409, message: '这件申诉当前的状态不能做这项操作，请刷新后再看' },
  APPEAL_ASSIGNEE_INVALID: { status: 400, message: '请选择本辖区的一位经办人员' },
  APPEAL_VISIT_INVALID: { status: 400, message: '请填写上门日期（不能早于今天）和上门人员' },
  APPEAL_CLOSE_INVALID: { status: 400, message: '请选择办理结果：已线下认证（上门或窗口），或未通过并填写原因' },
  // 单位专管员 (unit administrators): the mini-program's 单位认证 and the console's 专管员 page
  UNIT_INVITE_INVALID: { status: 404, message: '邀请码不对、已经用过或已过期，请向社保经办机构核对', opaque: true },
  UNIT_ADMIN_NOT_APPOINTED: { status: 403, message: '您现在不是单位专管员（任命已撤销或已到期），请联系社保经办机构' },
  UNIT_ADMIN_ALREADY_APPOINTED: { status: 409, message: '您已经是一个单位的专管员，一个微信只能负责一个单位' },
  UNIT_MEMBER_NOT_FOUND: { status: 404, message: '这位人员不在您负责的单位名单里，请回到单位名单重新选择', opaque: true },
  AGENCY_UNIT_NOT_FOUND: { status: 404, message: '本辖区名册里没有这个单位，请从单位列表里选择' },
  AGENCY_UNIT_EXPIRY_INVALID: { status: 400, message: '请选择任命到期日期（明天起，最长一年）' },
  AGENCY_APPOINTMENT_NOT_FOUND: { status: 404, message: '未找到该专管员任命，或不在您的管辖范围内' },
  // 静默认证 signals upload (console): server/services/agency/signals-upload.ts
  AGENCY_SIGNALS_UPLOAD_NOT_FOUND: { status: 404, message: '未找到该次上传的比对数据' },
  AGENCY_SIGNALS_UPLOAD_EMPTY: { status: 400, message: '上传的文件是空的，请选择比对数据 CSV 文件' },
  AGENCY_SIGNALS_UPLOAD_TOO_LARGE: { status: 413, message: '文件太大（最大 50 MB），请分成几个文件上传' },
  AGENCY_SIGNALS_UPLOAD_TYPE: { status: 415, message: '请上传 CSV 格式的比对数据文件' },
  AGENCY_SIGNALS_UPLOAD_HAS_ERRORS: { status: 409, message: '比对数据中有错误的行，未导入任何数据，请下载错误明细修改后重新上传' },
  AGENCY_SIGNALS_UPLOAD_NOT_READY: { status: 409, message: '比对数据还在检查中，请稍后再试' },
  AGENCY_SIGNAL_REVIEW_NOT_FOUND: { status: 404, message: '未找到这条待核实的死亡信息，或不在您的管辖范围内' },
  AGENCY_SIGNAL_REVIEW_CLOSED: { status: 409, message: '这条死亡信息已经核实过了，请刷新后再看' },
  AGENCY_SIGNAL_REVIEW_HOW_INVALID: { status: 400, message: '请选择核实方式：查验身份证、视频或入户' },
  INTERNAL: { status: 500, message: '服务暂时不可用，请稍后再试' },
  // Agency console: sign-in and authority (server/agency/). Add a resource's own codes in a block below.
  AGENCY_SIGNIN_REQUIRED: { status: 401, message: '请先登录，或登录已过期，请重新登录' },
  AGENCY_ROLE_FORBIDDEN: { status: 403, message: '您的岗位没有这项操作的权限' },
  AGENCY_CSRF_INVALID: { status: 403, message: '页面已过期，请刷新后重试' },
  AGENCY_OUT_OF_SCOPE: { status: 404, message: '未找到该人员，或不在您的管辖范围内' },
} as const satisfies Record<string, ErrorSpec>

export type ErrorCode = keyof typeof ERRORS

/** The Chinese sentence of each code (derived from ERRORS). */
export const ERROR_MESSAGES = Object.fromEntries(Object.entries(ERRORS).map(([code, spec]) => [code, spec.message])) as {
  readonly [C in ErrorCode]: (typeof ERRORS)[C]['message']
}

/** The HTTP status every route and the gateway answer a code with. */
export function httpStatusOf(code: ErrorCode): number {
  return ERRORS[code].status
}

/**
 * Codes about opaque references (relativeId, share token, notice code): the backend never names a
 * field with them, so a malformed reference is answered exactly like an unknown one.
 */
export function isOpaqueCode(code: ErrorCode): boolean {
  return 'opaque' in ERRORS[code]
}

export interface AppError {
  code: ErrorCode
  message: string
  /** Name of the input field the error is about, when there is one. */
  field?: string
  /** Checked structured facts (error-detail.ts), e.g. the day already certified; the message is made from them. */
  detail?: ErrorDetail
}

/**
 * The error for `code`: the table's sentence, or — when `detail` checks out for this code — the
 * sentence composed from it with our own words (never text from elsewhere).
 */
export function appError(code: ErrorCode, field?: string, detail?: unknown): AppError {
  const error: AppError = field === undefined ? { code, message: ERROR_MESSAGES[code] } : { code, message: ERROR_MESSAGES[code], field }
  const checked = detail === undefined ? undefined : readErrorDetail(code, detail)
  if (!checked) return error
  return { ...error, message: detailSentence(code, checked) ?? error.message, detail: checked }
}

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(ERROR_MESSAGES, value)
}

/** A typed outcome: services and handlers return this instead of throwing across boundaries. */
export type Result<T> = { ok: true; data: T } | { ok: false; error: AppError }

export const ok = <T>(data: T): Result<T> => ({ ok: true, data })
export const fail = <T = never>(code: ErrorCode, field?: string): Result<T> => ({ ok: false, error: appError(code, field) })

/** What a domain error may carry besides its code. */
export interface DomainErrorData {
  /** The input field the error is about. */
  field?: string
  /** A more precise sentence than the table's (e.g. who decided a review and when). */
  message?: string
  /** Structured facts the answer carries (error-detail.ts); the message is composed from them. */
  detail?: ErrorDetail
}

/**
 * The one error services throw. The backend's error handler answers it with its table status and
 * {error: {code, message, field?, detail?}}; nothing about HTTP is decided where it is thrown.
 */
export class DomainError extends Error {
  readonly code: ErrorCode
  readonly data: DomainErrorData

  constructor(code: ErrorCode, data: DomainErrorData = {}) {
    super(code)
    this.name = 'DomainError'
    this.code = code
    this.data = data
  }

  get statusCode(): number {
    return httpStatusOf(this.code)
  }

  /** The answer body: the code, the table's (or the given, or the detail's) message, the field and detail, if any. */
  get body(): AppError {
    const error = appError(this.code, this.data.field, this.data.detail)
    return this.data.message ? { ...error, message: this.data.message } : error
  }
}
