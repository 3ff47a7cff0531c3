/** Device facts the UI needs, read through Taro in one place. */
import Taro from '@tarojs/taro'
import { currentPlatform } from './platform'

export const MIN_FONT_SCALE = 1
export const MAX_FONT_SCALE = 2

export function clampScale(n: unknown): number {
  const v = typeof n === 'number' && Number.isFinite(n) && n > 0 ? n : 1
  return Math.min(MAX_FONT_SCALE, Math.max(MIN_FONT_SCALE, Math.round(v * 100) / 100))
}

/**
 * The user's WeChat font scale (关怀模式 / 字体大小). Our base sizes are already large, so a
 * smaller-than-standard setting never shrinks them. On H5 the browser's own zoom and text size
 * already apply to our px sizes, so the factor is 1.
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

/** Today's date in China time (UTC+8) as YYYY-MM-DD. */
export function todayInChina(now: Date = new Date()): string {
  const shifted = new Date(now.getTime() + 8 * 3600 * 1000)
  return shifted.toISOString().slice(0, 10)
}
