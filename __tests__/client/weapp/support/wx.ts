/**
 * A recording `wx` stand-in for the compiled weapp. Every call lands in `calls` (name + args) for tests
 * to assert on. Async APIs follow WeChat's callback contract (success/fail/complete with errMsg
 * "<name>:ok" / "<name>:fail …") because Taro's promisified Taro.* wrappers wait on exactly those.
 *
 * Taro copies the API NAMES of `wx` when app.js is required (a missing name is missing from Taro), but
 * it looks each function up on `wx` at call time: replace `wx.createVKSession`, `wx.createCameraContext`,
 * `wx.requestFacialVerify` … on the returned object at any time (the injection points other suites use),
 * or change `script` to choose how the phone answers.
 */
type Fn = (...args: any[]) => any
type Cb = { success?: Fn; fail?: Fn; complete?: Fn; [k: string]: unknown }

export interface WxCall {
  name: string
  args: unknown[]
  /** Called synchronously inside a tap handler (page.tap): what WeChat's tap-only APIs require. */
  inTap: boolean
}

/** page.tap raises this while the tap event is dispatched (shared through the global object). */
export const TAP_DEPTH_KEY = '__weappTapDepth'
const inTap = () => Number((globalThis as Record<string, unknown>)[TAP_DEPTH_KEY] ?? 0) > 0

export type SubscribeAnswer = 'accept' | 'reject' | 'ban' | 'filter'

/** How the phone answers; change fields between steps of a test. */
export interface WxScript {
  /** getSetting().authSetting: e.g. { 'scope.camera': true } (granted), false (refused before), absent (never asked). */
  authSetting: Record<string, boolean>
  /** What the WeChat authorize dialog answers for a scope never asked: 'grant' | 'deny'. */
  authorize: 'grant' | 'deny'
  /** What the person does in the settings page openSetting opens (the new authSetting entries). */
  openSetting: Record<string, boolean>
  /** requestSubscribeMessage: the answer per template id (default 'accept'), or an error {errCode, errMsg}. */
  subscribe: Record<string, SubscribeAnswer> | { errCode: number; errMsg: string }
  /** showModal: true = the person taps 确定, false = 取消. */
  modalConfirm: boolean
  /** getAppBaseInfo / getSystemInfoSync fontSizeScaleFactor (WeChat 字体大小; 1 standard, 2 largest). */
  fontSizeScaleFactor: number
  /** answers cloud.callFunction({name, data}); default: the function does not exist. */
  callFunction: (opts: { name: string; data: unknown }) => Promise<{ result: unknown }>
}

export interface RecordingWx {
  /** The object installed as global `wx`. */
  wx: Record<string, any>
  calls: WxCall[]
  script: WxScript
  storage: Map<string, unknown>
  /** The calls of one API. */
  callsOf(name: string): WxCall[]
  /** The navigation calls (navigateTo, redirectTo, reLaunch, switchTab, navigateBack) in order. */
  navigations(): { name: string; url?: string; delta?: number }[]
  /** Every recorded argument as one JSON text (privacy checks: no full ID number anywhere). */
  recordedText(): string
}

export const NAVIGATION_APIS = ['navigateTo', 'redirectTo', 'reLaunch', 'switchTab', 'navigateBack'] as const

const SYSTEM = { platform: 'devtools', windowWidth: 375, windowHeight: 812, screenWidth: 375, screenHeight: 812, pixelRatio: 2, SDKVersion: '3.4.0', language: 'zh_CN', version: '8.0.50', theme: 'light' }

function safeJson(v: unknown): string {
  try {
    return JSON.stringify(v, (_k, x) => (typeof x === 'function' ? '[fn]' : x))
  } catch {
    return String(v)
  }
}

export function createRecordingWx(initial: Partial<WxScript> = {}): RecordingWx {
  const calls: WxCall[] = []
  const storage = new Map<string, unknown>()
  const script: WxScript = {
    authSetting: {},
    authorize: 'grant',
    openSetting: {},
    subscribe: {},
    modalConfirm: true,
    fontSizeScaleFactor: 1,
    callFunction: async () => {
      throw Object.assign(new Error('cloud.callFunction:fail function not found'), { errCode: -404011 })
    },
    ...initial,
  }
  const record = (name: string, args: unknown[]) => void calls.push({ name, args, inTap: inTap() })

  /** An async API: answer(opts) returns the success result, or throws {errMsg, errCode} for fail. */
  const async = (name: string, answer: (opts: Cb) => Record<string, unknown> | void = () => undefined) =>
    (opts: Cb = {}) => {
      record(name, [opts])
      let res: Record<string, unknown>
      try {
        res = { errMsg: `${name}:ok`, ...(answer(opts) ?? {}) }
      } catch (e) {
        const err = { errMsg: `${name}:fail ${(e as Error).message ?? ''}`.trim(), ...(e as object) }
        opts.fail?.(err)
        opts.complete?.(err)
        return undefined
      }
      opts.success?.(res)
      opts.complete?.(res)
      return undefined
    }
  const sync = <T>(name: string, value: (...a: any[]) => T) => (...args: any[]) => {
    record(name, args)
    return value(...args)
  }
  const failWith = (message: string, extra: Record<string, unknown> = {}) => Object.assign(new Error(message), extra)

  const nav = (name: string) =>
    async(name, (o) => {
      if (name !== 'navigateBack' && typeof o.url !== 'string') throw failWith('parameter.url should be String')
      return undefined
    })

  const audioContext = () => {
    const listeners: Record<string, Fn[]> = {}
    const on = (ev: string) => (fn: Fn) => void (listeners[ev] = [...(listeners[ev] ?? []), fn])
    const ctx: Record<string, any> = {
      src: '',
      autoplay: false,
      loop: false,
      volume: 1,
      play: () => record('InnerAudioContext.play', [ctx.src]),
      pause: () => record('InnerAudioContext.pause', []),
      stop: () => record('InnerAudioContext.stop', []),
      destroy: () => record('InnerAudioContext.destroy', []),
      onEnded: on('ended'),
      onError: on('error'),
      onPlay: on('play'),
      onStop: on('stop'),
      onCanplay: on('canplay'),
      offEnded: () => undefined,
      offError: () => undefined,
      offPlay: () => undefined,
      offStop: () => undefined,
      offCanplay: () => undefined,
      /** Test hook: fire an audio event (e.g. 'ended'). */
      emit: (ev: string, payload?: unknown) => (listeners[ev] ?? []).forEach((fn) => fn(payload)),
    }
    return ctx
  }

  const wx: Record<string, any> = {
    cloud: {
      DYNAMIC_CURRENT_ENV: 'dyn',
      init: (o: unknown) => record('cloud.init', [o]),
      callFunction: (o: { name: string; data: unknown; success?: Fn; fail?: Fn }) => {
        record('cloud.callFunction', [o])
        const p = script.callFunction({ name: o.name, data: o.data })
        p.then((r) => o.success?.(r), (e: unknown) => o.fail?.(e))
        return p
      },
    },
    // navigation: recorded only; a test loads the target page itself (navigation in simulate does nothing).
    navigateTo: nav('navigateTo'),
    redirectTo: nav('redirectTo'),
    reLaunch: nav('reLaunch'),
    switchTab: nav('switchTab'),
    navigateBack: nav('navigateBack'),
    // permissions
    getSetting: async('getSetting', () => ({ authSetting: { ...script.authSetting }, subscriptionsSetting: { mainSwitch: true } })),
    authorize: async('authorize', (o) => {
      const scope = String(o.scope)
      if (script.authSetting[scope] === true) return undefined
      if (script.authSetting[scope] === false || script.authorize === 'deny') {
        script.authSetting[scope] = false
        throw failWith('auth deny', { errno: 103 })
      }
      script.authSetting[scope] = true
      return undefined
    }),
    openSetting: async('openSetting', () => {
      // Only from a tap (base library 2.3.0+).
      if (!inTap()) throw failWith('can only be invoked by user TAP gesture.')
      Object.assign(script.authSetting, script.openSetting)
      return { authSetting: { ...script.authSetting } }
    }),
    requestSubscribeMessage: async('requestSubscribeMessage', (o) => {
      // Tap-only since base library 2.8.2 (WECHAT-FACTS §5).
      if (!inTap()) throw failWith('can only be invoked by user TAP gesture.')
      const s = script.subscribe
      if ('errCode' in s && typeof s.errCode === 'number') throw failWith(String(s.errMsg), { errCode: s.errCode, errMsg: `requestSubscribeMessage:fail ${s.errMsg}` })
      const answers: Record<string, string> = {}
      for (const id of (o.tmplIds as string[]) ?? []) answers[id] = (s as Record<string, SubscribeAnswer>)[id] ?? 'accept'
      return answers
    }),
    // system
    getAppBaseInfo: sync('getAppBaseInfo', () => ({ SDKVersion: SYSTEM.SDKVersion, language: 'zh_CN', version: SYSTEM.version, theme: 'light', fontSizeScaleFactor: script.fontSizeScaleFactor, fontSizeSetting: Math.round(16 * script.fontSizeScaleFactor) })),
    getSystemInfoSync: sync('getSystemInfoSync', () => ({ ...SYSTEM, fontSizeScaleFactor: script.fontSizeScaleFactor, fontSizeSetting: Math.round(16 * script.fontSizeScaleFactor) })),
    getWindowInfo: () => ({ windowWidth: SYSTEM.windowWidth, windowHeight: SYSTEM.windowHeight, pixelRatio: SYSTEM.pixelRatio, screenWidth: 375, screenHeight: 812, statusBarHeight: 20 }),
    getDeviceInfo: () => ({ platform: SYSTEM.platform, brand: 'devtools', model: 'iPhone 12', system: 'iOS 16' }),
    getLaunchOptionsSync: () => ({ path: 'pages/index/index', query: {}, scene: 1001 }),
    getEnterOptionsSync: () => ({ path: 'pages/index/index', query: {}, scene: 1001 }),
    canIUse: () => true,
    nextTick: (fn: Fn) => setTimeout(fn, 0),
    onAppRoute: () => undefined,
    onAppShow: () => undefined,
    onAppHide: () => undefined,
    // storage (sync + async)
    getStorageSync: sync('getStorageSync', (k: string) => (storage.has(k) ? storage.get(k) : '')),
    setStorageSync: sync('setStorageSync', (k: string, v: unknown) => void storage.set(k, v)),
    removeStorageSync: sync('removeStorageSync', (k: string) => void storage.delete(k)),
    getStorage: async('getStorage', (o) => {
      if (!storage.has(String(o.key))) throw failWith('data not found')
      return { data: storage.get(String(o.key)) }
    }),
    setStorage: async('setStorage', (o) => void storage.set(String(o.key), o.data)),
    removeStorage: async('removeStorage', (o) => void storage.delete(String(o.key))),
    // feedback
    showToast: async('showToast'),
    hideToast: async('hideToast'),
    showLoading: async('showLoading'),
    hideLoading: async('hideLoading'),
    showModal: async('showModal', () => ({ confirm: script.modalConfirm, cancel: !script.modalConfirm })),
    setClipboardData: async('setClipboardData'),
    setNavigationBarTitle: async('setNavigationBarTitle'),
    showShareMenu: async('showShareMenu'),
    vibrateShort: async('vibrateShort'),
    // media; other suites replace these on `wx` (camera engineer: createCameraContext / createVKSession / isVKSupport).
    createInnerAudioContext: sync('createInnerAudioContext', () => audioContext()),
    setInnerAudioOption: async('setInnerAudioOption'),
    createCameraContext: sync('createCameraContext', () => ({
      onCameraFrame: () => ({ start: () => undefined, stop: () => undefined }),
      takePhoto: (o: Cb) => o.fail?.({ errMsg: 'takePhoto:fail no camera in simulate' }),
    })),
    createVKSession: undefined as unknown,
    isVKSupport: sync('isVKSupport', () => false),
    requestFacialVerify: async('requestFacialVerify', () => {
      throw failWith('no facial verify in simulate', { errCode: 90001 })
    }),
    getFileSystemManager: sync('getFileSystemManager', () => ({ readFileSync: () => new ArrayBuffer(0), writeFileSync: () => undefined, readFile: (o: Cb) => o.fail?.({ errMsg: 'readFile:fail' }) })),
    createSelectorQuery: () => {
      const q: Record<string, Fn> = {
        in: () => q,
        select: () => q,
        selectAll: () => q,
        selectViewport: () => q,
        boundingClientRect: () => q,
        fields: () => q,
        node: () => q,
        scrollOffset: () => q,
        exec: (cb?: Fn) => cb?.([]),
      }
      return q
    },
    request: async('request', () => {
      throw failWith('no network in simulate')
    }),
  }
  // createVKSession: as in DevTools (no VisionKit): a session whose start() answers errno 2000004
  // (WECHAT-FACTS §1.4). The NAME must exist when Taro copies the API list; the camera suites replace it.
  wx.createVKSession = (cfg: unknown) => {
    record('createVKSession', [cfg])
    return {
      start: (cb?: Fn) => setTimeout(() => cb?.(2000004), 0),
      stop: () => undefined,
      destroy: () => undefined,
      on: () => undefined,
      off: () => undefined,
      detectFace: () => undefined,
    }
  }

  const callsOf = (name: string) => calls.filter((c) => c.name === name)
  return {
    wx,
    calls,
    script,
    storage,
    callsOf,
    navigations: () =>
      calls
        .filter((c) => (NAVIGATION_APIS as readonly string[]).includes(c.name))
        .map((c) => {
          const o = (c.args[0] ?? {}) as { url?: string; delta?: number }
          return { name: c.name, url: o.url, delta: o.delta }
        }),
    recordedText: () => calls.map((c) => `${c.name} ${safeJson(c.args)}`).join('\n') + '\n' + safeJson([...storage.entries()]),
  }
}
