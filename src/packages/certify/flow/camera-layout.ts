/**
 * How much room the camera page has, in text lines rather than pixels: the window height divided by
 * the font scale. 特大 text (2x) on an 844-px phone and 200 % zoom at 1x leave the same room, and in
 * both the prompt, its picture and 再说一遍 must stay on the screen: the preview gives way first, then
 * the picture gets smaller and sits beside its caption. Pure.
 */
export type CameraDensity = 'roomy' | 'compact' | 'tight'

export function cameraDensity(windowHeight: number, fontScale: number): CameraDensity {
  if (!(windowHeight > 0)) return 'roomy'
  const room = windowHeight / (fontScale > 0 ? fontScale : 1)
  if (room >= 700) return 'roomy'
  if (room >= 520) return 'compact'
  return 'tight'
}
