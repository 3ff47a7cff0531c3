/**
 * User-facing texts of the liveness session (simple Chinese for elderly users, read aloud by the UI).
 * Programs match on the codes; people read/hear the text.
 */
import type { ActionName } from '../types'

export const HINTS = {
  move_closer: '请靠近一点',
  move_back: '请离远一点',
  face_screen: '请正对屏幕',
  too_dark: '光线太暗',
  too_bright: '光线太亮',
  others_leave: '请其他人离开画面',
  hold_still: '请保持不动',
  /** No face seen, or the face is outside the guide box. */
  into_frame: '请把脸放进框内',
} as const

export type HintCode = keyof typeof HINTS

export const ACTION_PROMPTS: Readonly<Record<ActionName, string>> = {
  blink: '请眨眨眼',
  mouth_open: '请张开嘴',
  turn_left: '请向左转头',
  turn_right: '请向右转头',
  head_up: '请慢慢抬头',
  head_down: '请慢慢低头',
}

/**
 * What each illustration shows, in words under it (the picture is never the only cue), cut into the
 * phrases a line may break between: at 特大 beside the picture a caption takes two lines, and
 * 向您自己的左 / 边转头 splits the one word the person must catch.
 */
export const ACTION_CAPTION_PHRASES: Readonly<Record<ActionName | 'position', readonly string[]>> = {
  position: ['把脸放进', '框内'],
  blink: ['眨眨眼'],
  mouth_open: ['张开嘴'],
  turn_left: ['向您自己的', '左边转头'],
  turn_right: ['向您自己的', '右边转头'],
  head_up: ['慢慢抬头'],
  head_down: ['慢慢低头'],
}

/** The captions as one text each. A caption that the prompt does not already say (the turns: whose left) is spoken after the prompt. */
export const ACTION_CAPTIONS = Object.fromEntries(Object.entries(ACTION_CAPTION_PHRASES).map(([k, p]) => [k, p.join('')])) as Readonly<
  Record<ActionName | 'position', string>
>

export const POSITION_PROMPT = '请把脸放进框内，正对屏幕'
export const PASSED_TEXT = '动作检测通过'

export type FailReason = 'timeout' | 'face_lost' | 'multiple_faces' | 'out_of_order' | 'no_liveness' | 'incomplete'

export const FAIL_TEXTS: Readonly<Record<FailReason, string>> = {
  timeout: '时间到了，没有完成动作，请再试一次',
  face_lost: '没有看到人脸，请再试一次',
  multiple_faces: '画面里有多个人，请只留本人再试一次',
  out_of_order: '动作和提示不一致，请按提示再试一次',
  no_liveness: '没有检测到动作：请本人面对镜头，按提示做动作',
  incomplete: '检测没有完成，请再试一次',
}

/**
 * A session that ran out of time on an action: which action was not seen and what to try, in place
 * of the plain timeout text. The part before '：' is the reason, the part after it the advice.
 */
export const MISSED_ACTION_TEXTS: Readonly<Record<ActionName, string>> = {
  blink: '没有看到眨眼：请眨一下眼睛，慢一点',
  mouth_open: '没有看到张嘴：请把嘴张大一点，慢慢来',
  turn_left: '没有看到向左转头：请向左多转一点，慢慢来',
  turn_right: '没有看到向右转头：请向右多转一点，慢慢来',
  head_up: '没有看到抬头：请把头再抬高一点，慢慢来',
  head_down: '没有看到低头：请把头再低一点，慢慢来',
}

/** The words for a failed session: the missed action's advice when it timed out on one, else the reason's text. */
export function failureText(reason: FailReason, missedAction?: ActionName | null): string {
  if (reason === 'timeout' && missedAction && Object.prototype.hasOwnProperty.call(MISSED_ACTION_TEXTS, missedAction)) {
    return MISSED_ACTION_TEXTS[missedAction]
  }
  return FAIL_TEXTS[reason]
}
