/** Device calls pages need (clipboard, window height, screen kept on), through Taro in one place. */
import Taro from '@tarojs/taro'

/** Copies text to the clipboard; rejects when the platform refuses (the page says so). */
export async function copyText(data: string): Promise<void> {
  await Taro.setClipboardData({ data })
}

/** The window's height in px on weapp (0 when the platform cannot tell). */
export function weappWindowHeight(): number {
  try {
    const t = Taro as unknown as { getWindowInfo?: () => { windowHeight: number }; getSystemInfoSync?: () => { windowHeight: number } }
    return (t.getWindowInfo ?? t.getSystemInfoSync)?.()?.windowHeight ?? 0
  } catch {
    return 0
  }
}

/** Keeps the screen on (weapp) or lets it sleep again; a no-op where the platform has no such call. */
export function keepScreenOn(on: boolean): void {
  const t = Taro as unknown as { setKeepScreenOn?: (o: { keepScreenOn: boolean }) => unknown }
  try {
    void Promise.resolve(t.setKeepScreenOn?.({ keepScreenOn: on })).catch(() => undefined)
  } catch {
    // not available
  }
}
