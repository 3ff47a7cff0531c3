/** Local storage through Taro (wx storage on weapp, localStorage on H5). Never throws. */
import Taro from '@tarojs/taro'
import type { StorageKey } from './storage-keys'

export function readString(key: StorageKey): string | undefined {
  try {
    const v: unknown = Taro.getStorageSync(key)
    return typeof v === 'string' && v !== '' ? v : undefined
  } catch {
    return undefined
  }
}

export function writeString(key: StorageKey, value: string): void {
  try {
    Taro.setStorageSync(key, value)
  } catch {
    // Storage full or unavailable: the app still works, it just signs in again next time.
  }
}

export function removeKey(key: StorageKey): void {
  try {
    Taro.removeStorageSync(key)
  } catch {
    // ignore
  }
}
