/**
 * Elder-first design tokens. The same values are declared for SCSS in _tokens.scss; a test checks
 * both files agree and that every text/background pair below reaches WCAG AA (≥ 4.5:1).
 */
export const PALETTE = {
  pageBg: '#F4F6F8',
  surface: '#FFFFFF',
  text: '#1A1A1A',
  textMuted: '#454B52',
  primary: '#0A58A8',
  primaryPressed: '#07407A',
  onPrimary: '#FFFFFF',
  success: '#1B6B38',
  successBg: '#E8F5EC',
  warning: '#7A4300',
  warningBg: '#FFF4E0',
  danger: '#A8221A',
  dangerBg: '#FDECEA',
  border: '#6B737C',
  focus: '#0A58A8',
} as const

export type PaletteKey = keyof typeof PALETTE

/** $font-body: body text in dp at font scale 1 (for sizes computed in code, e.g. Field's fit). */
export const FONT_BODY_PX = 20

/** Foreground/background pairs actually used by the components. */
export const TEXT_PAIRS: ReadonlyArray<readonly [PaletteKey, PaletteKey, string]> = [
  ['text', 'pageBg', 'body text on page'],
  ['text', 'surface', 'body text on cards'],
  ['textMuted', 'pageBg', 'secondary text on page'],
  ['textMuted', 'surface', 'secondary text on cards'],
  ['onPrimary', 'primary', 'main button label'],
  ['onPrimary', 'primaryPressed', 'pressed main button label'],
  ['primary', 'surface', 'link / secondary button on cards'],
  ['primary', 'pageBg', 'link on page'],
  ['success', 'successBg', 'certified status'],
  ['success', 'surface', 'certified icon on card'],
  ['warning', 'warningBg', 'due status'],
  ['warning', 'surface', 'due icon on card'],
  ['danger', 'dangerBg', 'overdue status / error banner'],
  ['danger', 'surface', 'inline field error'],
  ['text', 'successBg', 'body text in certified card'],
  ['text', 'warningBg', 'body text in due card'],
  ['text', 'dangerBg', 'body text in error banner'],
]

/** Non-text UI parts (field borders, outlines) need ≥ 3:1 (WCAG 1.4.11). */
export const UI_PAIRS: ReadonlyArray<readonly [PaletteKey, PaletteKey, string]> = [
  ['border', 'surface', 'field border'],
  ['border', 'pageBg', 'card outline'],
  // The H5 focus ring sits 3 px outside the control, on whatever is behind it.
  ['focus', 'pageBg', 'focus ring on page'],
  ['focus', 'surface', 'focus ring on cards'],
  ['focus', 'dangerBg', 'focus ring on 重试 in the error banner'],
  ['focus', 'successBg', 'focus ring in the certified card'],
  ['focus', 'warningBg', 'focus ring in the due card'],
]

function channel(c: number): number {
  const s = c / 255
  return s <= 0.03928 ? s / 12.92 : Math.pow((s + 0.055) / 1.055, 2.4)
}

/** WCAG 2.x relative luminance of #RRGGBB. */
export function luminance(hex: string): number {
  const m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex)
  if (!m) throw new Error(`not a #RRGGBB colour: ${hex}`)
  const [r, g, b] = [m[1], m[2], m[3]].map((h) => channel(parseInt(h, 16)))
  return 0.2126 * r + 0.7152 * g + 0.0722 * b
}

export function contrastRatio(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x)
  return (hi + 0.05) / (lo + 0.05)
}
