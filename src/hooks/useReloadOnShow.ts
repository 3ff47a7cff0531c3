import { useRef } from 'react'
import { useDidShow } from '@tarojs/taro'

/**
 * A list page that the user leaves for another page (a certification, 添加家人, the share page) and
 * comes back to: read the list again on every later show, so a status changed there is seen at
 * once. Not on the first show — that is the mount, and the page's useAsync has just read it.
 */
export function useReloadOnShow(reload: () => void): void {
  const shown = useRef(false)
  useDidShow(() => {
    if (shown.current) reload()
    shown.current = true
  })
}
