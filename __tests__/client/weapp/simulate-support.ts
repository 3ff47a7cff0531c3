/**
 * Loads the REAL compiled weapp pages (dist/weapp) with miniprogram-simulate (WeChat's own wcc/wcsc
 * template compilers). Taro registers pages through Page() and the app through App(), so these
 * stand-ins forward Page → Component and call onLoad/onShow/onReady from `attached`.
 * `wx` is a small mock; install it before requiring dist/weapp/app.js.
 */
import path from 'node:path'

/** The weapp build under test: dist/weapp, or WEAPP_DIST (a private build, e.g. YL_OUTPUT_ROOT=.tmp/weapp-x). */
export const DIST = process.env.WEAPP_DIST ? path.resolve(process.env.WEAPP_DIST) : path.resolve(__dirname, '../../../dist/weapp')

type Fn = (...args: unknown[]) => unknown
type AnyObj = Record<string, unknown>

export interface WxMock {
  cloud: { init: jest.Mock; callFunction: jest.Mock }
  navigateTo: jest.Mock
  reLaunch: jest.Mock
  [k: string]: unknown
}

export function installWx(): WxMock {
  const storage = new Map<string, unknown>()
  const ok = (name: string) => jest.fn((opts?: { success?: Fn; complete?: Fn }) => {
    const res = { errMsg: `${name}:ok` }
    opts?.success?.(res)
    opts?.complete?.(res)
    return Promise.resolve(res)
  })
  const wx: WxMock = {
    cloud: { init: jest.fn(), callFunction: jest.fn(), DYNAMIC_CURRENT_ENV: 'dyn' } as unknown as WxMock['cloud'],
    navigateTo: ok('navigateTo'),
    reLaunch: ok('reLaunch'),
    navigateBack: ok('navigateBack'),
    getSystemInfoSync: () => ({ platform: 'devtools', windowWidth: 375, windowHeight: 812, pixelRatio: 2, fontSizeScaleFactor: 1, SDKVersion: '3.4.0' }),
    getAppBaseInfo: () => ({ fontSizeScaleFactor: 1.4, SDKVersion: '3.4.0' }),
    getWindowInfo: () => ({ windowWidth: 375, windowHeight: 812, pixelRatio: 2 }),
    getDeviceInfo: () => ({ platform: 'devtools' }),
    getStorageSync: (k: string) => (storage.has(k) ? storage.get(k) : ''),
    setStorageSync: (k: string, v: unknown) => void storage.set(k, v),
    removeStorageSync: (k: string) => void storage.delete(k),
    nextTick: (fn: Fn) => setTimeout(fn, 0),
    getLaunchOptionsSync: () => ({ path: 'pages/index/index', query: {} }),
    onAppRoute: () => undefined,
    onAppShow: () => undefined,
    onAppHide: () => undefined,
    canIUse: () => true,
  }
  ;(global as unknown as AnyObj).wx = wx
  return wx
}

let appInstance: AnyObj | undefined
const pageStack: AnyObj[] = []

export function installGlobals(): void {
  const g = global as unknown as AnyObj
  g.App = (opts: AnyObj) => {
    appInstance = opts
    ;(opts.onLaunch as Fn | undefined)?.call(opts, { path: 'pages/index/index', query: {} })
    ;(opts.onShow as Fn | undefined)?.call(opts, { path: 'pages/index/index', query: {} })
  }
  g.getApp = () => appInstance
  g.getCurrentPages = () => pageStack
  g.Page = (opts: AnyObj) => {
    const methods: AnyObj = {}
    for (const [k, v] of Object.entries(opts)) if (typeof v === 'function') methods[k] = v
    const route = String(opts.route ?? '')
    ;(g.Component as Fn)({
      data: opts.data,
      methods,
      lifetimes: {
        attached(this: AnyObj) {
          for (const [k, v] of Object.entries(opts)) if (typeof v !== 'function' && k !== 'data' && !(k in this)) this[k] = v
          this.route = this.route || route
          this.__route__ = this.route
          pageStack.push(this)
          ;(this.onLoad as Fn | undefined)?.call(this, {})
          ;(this.onShow as Fn | undefined)?.call(this)
          ;(this.onReady as Fn | undefined)?.call(this)
        },
        detached(this: AnyObj) {
          ;(this.onUnload as Fn | undefined)?.call(this)
          const i = pageStack.indexOf(this)
          if (i >= 0) pageStack.splice(i, 1)
        },
      },
    })
  }
}

export async function until<T>(probe: () => T | undefined | false, ms = 5000): Promise<T> {
  const t0 = Date.now()
  for (;;) {
    const v = probe()
    if (v) return v
    if (Date.now() - t0 > ms) throw new Error('timed out waiting for the page to render')
    await new Promise((r) => setTimeout(r, 20))
  }
}
