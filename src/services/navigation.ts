/** Page routes and navigation, wrapped so pages never call the platform directly. */
import Taro from '@tarojs/taro'

export const ROUTES = {
  home: '/pages/index/index',
  bind: '/packages/bind/index',
  sscLocal: '/packages/bind/ssc-local',
  records: '/packages/records/index',
  certify: '/packages/certify/index',
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
