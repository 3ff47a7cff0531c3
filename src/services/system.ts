/** Device facts the UI needs, read through Taro in one place. */
import Taro from '@tarojs/taro'
import { currentPlatform } from './platform'
import { STORAGE_KEYS } from './storage-keys'
import { readString, writeString } from './storage'

export const MIN_FONT_SCALE = 1
export const MAX_FONT_SCALE = 2

export function clampScale(n: unknown): number {
  const v = typeof n === 'number' && Number.isFinite(n) && n > 0 ? n : 1
  return Math.min(MAX_FONT_SCALE, Math.max(MIN_FONT_SCALE, Math.round(v * 100) / 100))
}

/**
 * The user's WeChat font scale (关怀模式 / 字体大小). Our base sizes are already large, so a
 * smaller-than-standard setting never shrinks them. The browser has no such setting (its zoom
 * applies to our px sizes anyway), so on H5 the factor is 1 and the 字号 choice below does the job.
 */
export function fontScale(): number {
  if (currentPlatform() === 'h5') return 1
  try {
    const t = Taro as unknown as {
      getAppBaseInfo?: () => { fontSizeScaleFactor?: number; fontSizeSetting?: number }
      getSystemInfoSync?: () => { fontSizeScaleFactor?: number; fontSizeSetting?: number }
    }
    const info = typeof t.getAppBaseInfo === 'function' ? t.getAppBaseInfo() : t.getSystemInfoSync?.()
    if (!info) return 1
    if (typeof info.fontSizeScaleFactor === 'number') return clampScale(info.fontSizeScaleFactor)
    // Older base libraries only give the font size in px; 17 px (iOS) / 16 px (Android) is standard.
    if (typeof info.fontSizeSetting === 'number') return clampScale(info.fontSizeSetting / 17)
    return 1
  } catch {
    return 1
  }
}

// ---- the 字号 choice on 首页 ---------------------------------------------------------------------

export type FontSizeChoice = 'standard' | 'large' | 'xlarge'

export const FONT_SIZE_CHOICES: ReadonlyArray<{ value: FontSizeChoice; label: string; scale: number }> = [
  { value: 'standard', label: '标准', scale: 1 },
  { value: 'large', label: '大', scale: 1.5 },
  { value: 'xlarge', label: '特大', scale: MAX_FONT_SCALE },
]

export function isFontSizeChoice(v: unknown): v is FontSizeChoice {
  return FONT_SIZE_CHOICES.some((c) => c.value === v)
}

function scaleOf(choice: FontSizeChoice): number {
  return FONT_SIZE_CHOICES.find((c) => c.value === choice)?.scale ?? 1
}

function storedChoice(): unknown {
  const viaTaro = readString(STORAGE_KEYS.fontSize)
  if (viaTaro !== undefined || currentPlatform() !== 'h5') return viaTaro
  // Taro's H5 storage wraps values as {"data": …}; a plain value set straight into localStorage
  // (a helper presetting the size, or an older page) is honoured too.
  try {
    return globalThis.localStorage?.getItem(STORAGE_KEYS.fontSize) ?? undefined
  } catch {
    return undefined
  }
}

/** The remembered 字号; 标准 when none was chosen or the stored value is not one we know. */
export function fontSizeChoice(): FontSizeChoice {
  const v = storedChoice()
  return isFontSizeChoice(v) ? v : 'standard'
}

type Listener = (choice: FontSizeChoice) => void
const listeners = new Set<Listener>()

/** Remembers the choice and tells every mounted page at once, so the change is seen immediately. */
export function setFontSizeChoice(choice: FontSizeChoice): void {
  writeString(STORAGE_KEYS.fontSize, choice)
  for (const l of Array.from(listeners)) l(choice)
}

export function subscribeFontSizeChoice(listener: Listener): () => void {
  listeners.add(listener)
  return () => {
    listeners.delete(listener)
  }
}

/**
 * The scale the pages use: the larger of WeChat's own font setting and the 字号 choice, so a person
 * who set large text in WeChat never gets smaller text by tapping 标准.
 */
export function effectiveFontScale(choice: FontSizeChoice = fontSizeChoice()): number {
  return clampScale(Math.max(fontScale(), scaleOf(choice)))
}

/** Today's date in China time (UTC+8) as YYYY-MM-DD. */
export function todayInChina(now: Date = new Date()): string {
  const shifted = new Date(now.getTime() + 8 * 3600 * 1000)
  return shifted.toISOString().slice(0, 10)
}
