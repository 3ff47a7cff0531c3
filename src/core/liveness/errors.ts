/** Stable error codes of the liveness engine and its tools, each with a plain Chinese message. */
export const LIVENESS_ERROR_MESSAGES = {
  TRACE_EMPTY: '轨迹文件是空的',
  TRACE_BAD_HEADER: '轨迹文件的第一行不是 face-trace/1 文件头',
  TRACE_BAD_JSON: '轨迹文件中有一行不是有效的 JSON',
  TRACE_BAD_FRAME: '轨迹文件中有一帧的格式不对',
  TRACE_TIME_ORDER: '轨迹文件中的帧时间没有按先后顺序排列',
  LAYOUT_UNKNOWN: '不认识的人脸关键点布局',
  LABELS_BAD: '标注文件的格式不对',
  CHALLENGE_INVALID: '动作列表不对，可用的动作有：blink, mouth_open, turn_left, turn_right, head_up, head_down',
  SUMMARY_BAD: '观测摘要的格式不对',
  FILE_NOT_FOUND: '找不到文件',
  FILE_UNREADABLE: '文件无法读取',
  GZIP_BAD: '压缩文件已损坏，无法解压',
  USAGE: '命令用法不对',
  INTERNAL: '程序内部出错，请把输入文件交给开发人员检查',
} as const

export type LivenessErrorCode = keyof typeof LIVENESS_ERROR_MESSAGES

/** Thrown by the pure parsers; callers at the edges turn it into a message and an exit code. */
export class LivenessInputError extends Error {
  readonly code: LivenessErrorCode
  /** Extra detail for people (a line number, a file name), already in Chinese or neutral. */
  readonly detail?: string

  constructor(code: LivenessErrorCode, detail?: string) {
    super(detail ? `${LIVENESS_ERROR_MESSAGES[code]}（${detail}）` : LIVENESS_ERROR_MESSAGES[code])
    this.name = 'LivenessInputError'
    this.code = code
    this.detail = detail
  }
}
