/** Page routes and navigation, wrapped so pages never call the platform directly. */
import Taro from '@tarojs/taro'

export const ROUTES = {
  home: '/pages/index/index',
  bind: '/packages/bind/index',
  sscLocal: '/packages/bind/ssc-local',
  records: '/packages/records/index',
  certify: '/packages/certify/index',
  certifyCamera: '/packages/certify/camera',
  certifyResult: '/packages/certify/result',
  family: '/packages/family/index',
  familyAdd: '/packages/family/add',
  familyShare: '/packages/family/share',
  query: '/packages/query/index',
  unit: '/packages/unit/index',
  appeal: '/packages/appeal/index',
} as const

export type Route = (typeof ROUTES)[keyof typeof ROUTES]

export async function navigateTo(route: Route): Promise<boolean> {
  try {
    await Taro.navigateTo({ url: route })
    return true
  } catch {
    return false
  }
}

/** Back to 首页 and reload it (after binding or unbinding). */
export async function backHome(): Promise<boolean> {
  try {
    await Taro.reLaunch({ url: ROUTES.home })
    return true
  } catch {
    return false
  }
}

export async function goBack(): Promise<boolean> {
  try {
    await Taro.navigateBack({ delta: 1 })
    return true
  } catch {
    return backHome()
  }
}

export function withQuery(route: string, query: Record<string, string> = {}): string {
  const q = Object.entries(query)
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)
    .join('&')
  return q ? `${route}?${q}` : route
}

/** Opens a page with a query (never personal data in it). */
export async function navigateWithQuery(route: Route, query?: Record<string, string>): Promise<boolean> {
  try {
    await Taro.navigateTo({ url: withQuery(route, query) })
    return true
  } catch {
    return false
  }
}

/** Replaces the current page (camera → result, so 返回 never goes back into the camera). */
export async function replacePage(route: Route, query?: Record<string, string>): Promise<boolean> {
  try {
    await Taro.redirectTo({ url: withQuery(route, query) })
    return true
  } catch {
    return false
  }
}

/** The current page's query parameters (decoded), {} when there are none. */
export function currentParams(): Record<string, string> {
  try {
    const t = Taro as unknown as { getCurrentInstance?: () => { router?: { params?: Record<string, string | undefined> } | null } }
    const params = t.getCurrentInstance?.()?.router?.params ?? {}
    const out: Record<string, string> = {}
    for (const [k, v] of Object.entries(params)) {
      if (typeof v !== 'string') continue
      try {
        out[k] = decodeURIComponent(v)
      } catch {
        out[k] = v
      }
    }
    return out
  } catch {
    return {}
  }
}
