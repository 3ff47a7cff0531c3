/**
 * The weapp harness: the REAL compiled pages (DIST = dist/weapp or WEAPP_DIST) under
 * miniprogram-simulate, a recording `wx` stand-in, and (optionally) the real gateway + backend
 * answering wx.cloud.callFunction.
 *
 *   const s = await startWeapp({ stack: {} })          // one per test file: app.js boots once
 *   const home = await s.loadPage('pages/index/index')
 *   await home.waitForText('开始认证'); await home.tap({ text: '开始认证' })
 *   const next = await s.follow()                       // loads the page the last navigation named
 *   expect(s.callsOf('requestSubscribeMessage')[0].args[0]).toMatchObject({ tmplIds: [...] })
 *   await s.close()
 *
 * Pieces (support/): page.ts (App/Page stand-ins, loadPage, tap/input/waitForText), wx.ts (the
 * recording wx and its script), stack.ts (gateway in front of buildApp, no ports).
 * Other suites replace camera / VisionKit / 人脸核身 on `s.wx` (e.g. `s.wx.createVKSession = …`,
 * `s.wx.isVKSupport = () => true`, `s.wx.requestFacialVerify = …`) and pick the backend with
 * `startWeapp({ stack: { env: { IDENTITY_VERIFIER: 'wechat-facial-verify', … }, backend: {…} } })`.
 */
import { bootApp, closeAllPages, installGlobals, loadPage, waitFor, type LaunchOptions, type LoadedPage } from './support/page'
import { startStack, type Stack, type StackOptions } from './support/stack'
import { createRecordingWx, type RecordingWx, type WxCall, type WxScript } from './support/wx'

export { DIST, closeAllPages, loadPage, parseUrl, waitFor, textOf, type LoadedPage, type LaunchOptions } from './support/page'
export { startStack, settableClock, STACK_NOW, DEMO, type Stack, type StackOptions, type StackClock, type CloudResult } from './support/stack'
export { createRecordingWx, NAVIGATION_APIS, type RecordingWx, type WxScript, type WxCall, type SubscribeAnswer } from './support/wx'
export { installGlobals } from './support/page'

export interface WeappSession extends RecordingWx {
  /** The real gateway + backend when asked for (startWeapp({ stack })). */
  stack?: Stack
  loadPage: typeof loadPage
  /** Loads the page the n-th last navigation (default: the last) pointed at, with its query. */
  follow(nthLast?: number): Promise<LoadedPage>
  /** Waits until wx.<name> has been called at least `count` times (default 1); answers call #count. */
  waitForCall(name: string, count?: number): Promise<WxCall>
  /** Runs `act` (e.g. a tap) and waits for the navigation it causes; answers that navigation. */
  navigationAfter(act: () => Promise<void>): Promise<{ name: string; url?: string; delta?: number }>
  close(): Promise<void>
}

export interface WeappOptions {
  /** Start the real stack (options) or use one already started; absent: no backend (script.callFunction answers). */
  stack?: StackOptions | Stack
  script?: Partial<WxScript>
  launch?: LaunchOptions
}

const isStack = (s: StackOptions | Stack): s is Stack => typeof (s as Stack).callFunction === 'function'

/** The routed cloud function `api` on top of the stack: {name: 'api', data: {name, data}} → /fn/<name>. */
export function cloudOn(stack: Stack): WxScript['callFunction'] {
  return async ({ name, data }) => {
    if (name !== 'api') throw Object.assign(new Error(`cloud.callFunction:fail -404011 function ${name} not found`), { errCode: -404011 })
    const event = (data ?? {}) as { name?: unknown; data?: unknown }
    return { result: await stack.callFunction(String(event.name ?? ''), event.data ?? {}) }
  }
}

/** Installs wx + the globals, boots DIST/app.js (once per test file) and optionally the stack. */
export async function startWeapp(opts: WeappOptions = {}): Promise<WeappSession> {
  const stack = opts.stack ? (isStack(opts.stack) ? opts.stack : await startStack(opts.stack)) : undefined
  const rec = createRecordingWx({ ...(stack ? { callFunction: cloudOn(stack) } : {}), ...opts.script })
  ;(global as unknown as Record<string, unknown>).wx = rec.wx
  installGlobals(opts.launch)
  bootApp()
  const ownsStack = !!opts.stack && !isStack(opts.stack)
  return {
    ...rec,
    stack,
    loadPage,
    async follow(nthLast = 1) {
      const navs = rec.navigations().filter((n) => n.url)
      const nav = navs[navs.length - nthLast]
      if (!nav?.url) throw new Error('no navigation to follow')
      return loadPage(nav.url)
    },
    waitForCall: (name, count = 1) => waitFor(() => (rec.callsOf(name).length >= count ? rec.callsOf(name)[count - 1] : undefined), `wx.${name} call #${count}`),
    async navigationAfter(act) {
      const before = rec.navigations().length
      await act()
      await waitFor(() => rec.navigations().length > before, 'a navigation')
      return rec.navigations()[before]
    },
    async close() {
      closeAllPages()
      if (ownsStack) await stack?.close()
    },
  }
}
