/**
 * The camera page's own sentences, and which of them are spoken together: everything the page shows
 * is also said (the countdown at the moment its words appear). Pure.
 */
import { ACTION_CAPTIONS } from '@/core/liveness/session/texts'
import type { ActionName } from '@/core/liveness/types'

export const RETRY_TEXT = '不着急，再做一次'
export const CHECKING = '正在核验，请稍等'
export const DONT_LEAVE = '请不要退出'
/** The two lines above as one sentence: the answer may come before a second one would start. */
export const CHECKING_SAID = `${CHECKING}，${DONT_LEAVE}`

/** 第 N 个动作，共 M 个, in the two pieces a narrow line may break between. */
export function stepLabelParts(n: number, total: number): [string, string] {
  return [`第 ${n} 个动作，`, `共 ${total} 个`]
}

export function stepLabel(n: number, total: number): string {
  return stepLabelParts(n, total).join('')
}

/** The caption under the illustration, when it says more than the prompt (the turns: whose left). */
export function extraCaption(action: ActionName | null, prompt: string): string | null {
  const caption = ACTION_CAPTIONS[action ?? 'position']
  return prompt.includes(caption) ? null : caption
}

/**
 * What is said when the engine asks for something: 不着急，再做一次 on a retry, the prompt, (for an
 * action) which one of how many, and the caption when it adds something.
 */
export function promptSentences(p: { phase: 'positioning' | 'action'; action: ActionName | null; text: string; retry: boolean; step: number }, total: number): string[] {
  const out: string[] = []
  if (p.retry) out.push(RETRY_TEXT)
  out.push(p.text)
  if (p.phase === 'action' && total > 0) out.push(stepLabel(Math.min(p.step + 1, total), total))
  const caption = extraCaption(p.phase === 'action' ? p.action : null, p.text)
  if (caption) out.push(caption)
  return out
}
