/**
 * A small stand-in for @tarojs/taro in jsdom tests: in-memory storage, jest.fn() for request,
 * navigation and the cloud SDK. Wire with
 *   jest.mock('@tarojs/taro', () => require('./support/taro-mock'))
 */
const store = new Map<string, unknown>()

export const cloud = {
  init: jest.fn(),
  callFunction: jest.fn(),
  DYNAMIC_CURRENT_ENV: Symbol('DYNAMIC_CURRENT_ENV'),
}

const Taro = {
  request: jest.fn(),
  getStorageSync: jest.fn((k: string) => (store.has(k) ? store.get(k) : '')),
  setStorageSync: jest.fn((k: string, v: unknown) => {
    store.set(k, v)
  }),
  removeStorageSync: jest.fn((k: string) => {
    store.delete(k)
  }),
  navigateTo: jest.fn(async () => ({ errMsg: 'navigateTo:ok' })),
  reLaunch: jest.fn(async () => ({ errMsg: 'reLaunch:ok' })),
  navigateBack: jest.fn(async () => ({ errMsg: 'navigateBack:ok' })),
  getAppBaseInfo: jest.fn(() => ({ fontSizeScaleFactor: 1 })),
  getSystemInfoSync: jest.fn(() => ({ fontSizeScaleFactor: 1 })),
  cloud: cloud as typeof cloud | undefined,
}

export function resetTaroMock(): void {
  store.clear()
  Taro.request.mockReset()
  cloud.init.mockReset()
  cloud.callFunction.mockReset()
  Taro.navigateTo.mockClear()
  Taro.reLaunch.mockClear()
  Taro.navigateBack.mockClear()
  Taro.getAppBaseInfo.mockReset()
  Taro.getAppBaseInfo.mockImplementation(() => ({ fontSizeScaleFactor: 1 }))
  Taro.cloud = cloud
}

export const storage = store
export const useLaunch = jest.fn()
export const useDidShow = jest.fn()
export default Taro
export { Taro }
