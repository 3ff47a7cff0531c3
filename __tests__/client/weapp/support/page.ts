/**
 * Loads the REAL compiled weapp (DIST) under miniprogram-simulate (WeChat's own wcc/wcsc template
 * compilers) through the real Taro runtime.
 *
 * Taro registers the app through App() and pages through Page(), which simulate does not have: the
 * stand-ins below forward Page → Component and, from `attached`, call onLoad(query) / onShow / onReady
 * as WeChat does. The query is what WeChat hands onLoad: the url's query values as strings, NOT
 * URL-decoded (a wxacode scene arrives still encoded: `decodeURIComponent(query.scene)` is the page's job).
 */
import fs from 'node:fs'
import path from 'node:path'
import { TAP_DEPTH_KEY } from './wx'

type Fn = (...args: any[]) => any
type AnyObj = Record<string, any>

/** The weapp build under test: dist/weapp, or WEAPP_DIST (a private build, e.g. YL_OUTPUT_ROOT=.tmp/weapp-x). */
export const DIST = process.env.WEAPP_DIST ? path.resolve(process.env.WEAPP_DIST) : path.resolve(__dirname, '../../../../dist/weapp')

export function requireDist(): void {
  if (!fs.existsSync(path.join(DIST, 'app.js'))) {
    throw new Error(`${DIST} is missing: run \`npm run build:weapp\` first (npm test does it before jest), or set WEAPP_DIST`)
  }
}

interface SimComponent {
  dom: Element
  attach(el: Element): void
  detach(): void
  querySelector(sel: string): { dispatchEvent(ev: string, opts?: AnyObj): void; dom: Element } | null
  querySelectorAll(sel: string): { dispatchEvent(ev: string, opts?: AnyObj): void; dom: Element }[]
  instance: AnyObj
}
interface Simulate {
  load(p: string, opts: AnyObj): string
  render(id: string, props?: AnyObj): SimComponent
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const simulate = (): Simulate => require('miniprogram-simulate') as Simulate

let appInstance: AnyObj | undefined
const pageStack: AnyObj[] = []
let pendingQuery: Record<string, string> = {}
/** The app's launch options (App.onLaunch / onShow), as WeChat gives them. */
export interface LaunchOptions {
  path: string
  query: Record<string, string>
  scene: number
}

/** App / getApp / getCurrentPages / Page stand-ins. Call once, before requiring app.js. */
export function installGlobals(launch: LaunchOptions = { path: 'pages/index/index', query: {}, scene: 1001 }): void {
  const g = global as unknown as AnyObj
  g.App = (opts: AnyObj) => {
    appInstance = opts
    ;(opts.onLaunch as Fn | undefined)?.call(opts, launch)
    ;(opts.onShow as Fn | undefined)?.call(opts, launch)
  }
  g.getApp = () => appInstance
  g.getCurrentPages = () => pageStack
  if (typeof g.requirePlugin !== 'function') {
    g.requirePlugin = (name: string) => {
      const plugins = (g.__weappPlugins ?? {}) as AnyObj
      if (name in plugins) return plugins[name]
      throw new Error(`requirePlugin: plugin "${name}" is not provided in simulate (set global.__weappPlugins)`)
    }
  }
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
          this.route = this.route || pendingRoute || route
          this.__route__ = this.route
          const query = { ...pendingQuery }
          this.options = query
          pageStack.push(this)
          ;(this.onLoad as Fn | undefined)?.call(this, query)
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
let pendingRoute = ''

/** The app (dist app.js) once: after installing `wx` and the globals. */
export function bootApp(): void {
  requireDist()
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  require(path.join(DIST, 'app.js'))
}

/**
 * Splits an in-app url (`/packages/x/index?a=1&b=c%3Dd`) into the route and the query WeChat gives
 * onLoad: values kept as written (not decoded).
 */
export function parseUrl(url: string): { route: string; query: Record<string, string> } {
  const [p, q = ''] = url.split('?')
  const query: Record<string, string> = {}
  for (const part of q.split('&')) {
    if (!part) continue
    const i = part.indexOf('=')
    if (i < 0) query[part] = ''
    else query[part.slice(0, i)] = part.slice(i + 1)
  }
  return { route: p.replace(/^\/+/, ''), query }
}

export async function waitFor<T>(probe: () => T | undefined | false | null, what: string | (() => string) = 'the page to render', ms = 20_000): Promise<T> {
  const t0 = Date.now()
  let last: unknown
  for (;;) {
    try {
      const v = probe()
      if (v) return v
    } catch (e) {
      last = e
    }
    if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${typeof what === 'function' ? what() : what}${last ? `: ${String(last)}` : ''}`)
    await new Promise((r) => setTimeout(r, 15))
  }
}

/** The visible text of a rendered tree (text nodes joined; whitespace collapsed). */
export function textOf(el: Element): string {
  return (el.textContent ?? '').replace(/\s+/g, ' ').trim()
}

export interface LoadedPage {
  route: string
  query: Record<string, string>
  component: SimComponent
  /** The Page instance (Taro's page config methods, options, route). */
  instance: AnyObj
  /** The rendered DOM (text and classes; input values and other properties are not reflected here). */
  html(): string
  text(): string
  /** The page's setData tree as JSON: every value the WXML renders from, input values included. */
  data(): string
  waitForText(text: string | RegExp, ms?: number): Promise<string>
  waitForNoText(text: string | RegExp, ms?: number): Promise<string>
  /** Taps the first element matching a CSS selector, or the innermost element whose text is exactly/contains `text`. */
  tap(target: string | { text: string | RegExp }): Promise<void>
  /** Types into the input/textarea matching `selector`, the one beside the label text ({ label }) or the n-th one ({ index }). */
  input(target: string | { index: number } | { label: string }, value: string): Promise<void>
  /**
   * Fires a component event with a detail, on the first rendered element matching a DOM selector
   * (tags are wx-*: e.g. fire('wx-camera', 'initdone') or fire('wx-camera', 'error', {errMsg}) — what
   * WeChat's <camera> sends when it starts or the camera is refused).
   */
  fire(selector: string, event: string, detail?: unknown): Promise<void>
  /** Waits until a DOM selector matches (e.g. 'wx-camera'). */
  waitForElement(selector: string): Promise<Element>
  /** onShow again (e.g. after returning from another page). */
  show(): void
  close(): void
}

/**
 * WeChat's tap-only APIs (requestSubscribeMessage, openSetting) work only while a tap is being handled.
 * j-component delivers a tap a microtask later through exparser.Event.dispatchEvent: wrapped once, it
 * raises TAP_DEPTH_KEY for exactly the time the page's handlers run.
 */
let gesturesMarked = false
function markUserGestures(): void {
  if (gesturesMarked) return
  gesturesMarked = true
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const exparser = require('miniprogram-exparser') as { Event: { dispatchEvent: (target: unknown, event: { type?: string }) => unknown } }
  const original = exparser.Event.dispatchEvent
  exparser.Event.dispatchEvent = function (target, event) {
    const gesture = event?.type === 'tap' || event?.type === 'longpress'
    const g = globalThis as Record<string, unknown>
    if (gesture) g[TAP_DEPTH_KEY] = Number(g[TAP_DEPTH_KEY] ?? 0) + 1
    try {
      return original.call(this, target, event)
    } finally {
      if (gesture) g[TAP_DEPTH_KEY] = Number(g[TAP_DEPTH_KEY]) - 1
    }
  }
}

const ids = new Map<string, string>()
const open = new Set<LoadedPage>()

/** Unloads every page still attached (onUnload → Taro unmounts), e.g. at the end of a file. */
export function closeAllPages(): void {
  for (const p of [...open]) p.close()
}

function componentId(route: string): string {
  let id = ids.get(route)
  if (!id) {
    const file = path.join(DIST, route)
    if (!fs.existsSync(`${file}.js`)) throw new Error(`no compiled page ${route} in ${DIST}`)
    id = simulate().load(file, { rootPath: DIST, compiler: 'official' })
    ids.set(route, id)
  }
  return id
}

const matches = (s: string, t: string | RegExp) => (typeof t === 'string' ? s.includes(t) : t.test(s))
/** Taro re-renders asynchronously: let pending updates run before reading. */
const settle = () => new Promise((r) => setTimeout(r, 0))

/**
 * The elements showing `t`, innermost first: for a string, those whose whole text IS `t` (a button's
 * label) before those that merely contain it (a sentence mentioning it).
 */
function elementsWithText(root: Element, t: string | RegExp): Element[] {
  const innermost = (hits: Element[]) => hits.filter((el) => !hits.some((o) => o !== el && el.contains(o)))
  const all = Array.from(root.querySelectorAll('*'))
  if (typeof t === 'string') {
    const exact = innermost(all.filter((el) => textOf(el) === t))
    if (exact.length > 0) return exact
  }
  return innermost(all.filter((el) => matches(textOf(el), t)))
}

type Wrapper = { dispatchEvent(ev: string, opts?: AnyObj): void }

/**
 * The j-component wrapper of a rendered DOM node (exparser keeps the node on `__wxElement`; Taro puts
 * no id on nodes, so CSS selectors are not enough to reach an element by its text).
 */
function wrapperFor(component: SimComponent, el: Element): Wrapper {
  const Wrap = Object.getPrototypeOf(Object.getPrototypeOf(component)).constructor as new (node: unknown) => Wrapper
  for (let n: Element | null = el; n; n = n.parentElement) {
    const node = (n as unknown as { __wxElement?: unknown }).__wxElement
    if (node) return new Wrap(node)
    if (n === component.dom) break
  }
  throw new Error(`no element to tap around "${textOf(el).slice(0, 40)}"`)
}

/**
 * Loads, renders and attaches a compiled page with the query WeChat would give onLoad
 * (`loadPage('packages/bind/index')`, `loadPage('/packages/certify/index?share=abc')`, or route + query).
 */
export async function loadPage(routeOrUrl: string, query?: Record<string, string>): Promise<LoadedPage> {
  const parsed = parseUrl(routeOrUrl)
  const route = parsed.route
  const q = { ...parsed.query, ...query }
  const id = componentId(route)
  pendingQuery = q
  pendingRoute = route
  const component = simulate().render(id)
  const parent = document.createElement('parent-wrapper')
  component.attach(parent)
  pendingQuery = {}
  pendingRoute = ''
  const html = () => component.dom.innerHTML
  const text = () => textOf(component.dom)
  const page: LoadedPage = {
    route,
    query: q,
    component,
    instance: component.instance,
    html,
    text,
    data: () => JSON.stringify(component.instance.data ?? {}),
    waitForText: (t, ms) => waitFor(() => (matches(text(), t) ? text() : undefined), () => `"${String(t)}" on ${route} (now: ${text().slice(0, 400)})`, ms),
    waitForNoText: (t, ms) => waitFor(() => (!matches(text(), t) ? text() : undefined), `"${String(t)}" to leave ${route}`, ms),
    async tap(target) {
      await settle()
      let w: Wrapper | null
      if (typeof target === 'string') {
        w = component.querySelector(target) ?? null
        if (!w) throw new Error(`nothing matches ${target} on ${route}`)
      } else {
        // A tap on words goes to the button showing them, when a heading says the same words too.
        const hits = elementsWithText(component.dom, target.text)
        const el = hits.find((e) => e.closest('wx-button')) ?? hits[0]
        if (!el) throw new Error(`no "${String(target.text)}" on ${route} (text: ${text().slice(0, 300)})`)
        w = wrapperFor(component, el)
      }
      markUserGestures()
      w.dispatchEvent('tap')
      await settle()
    },
    async input(target, value) {
      await settle()
      let w: Wrapper | null
      if (typeof target === 'string') w = component.querySelector(target)
      else {
        const all = Array.from(component.dom.querySelectorAll('wx-input, wx-textarea'))
        // Attributes are not reflected into the DOM: a field is found by the label text beside its input.
        const labelled = (e: Element, label: string) => Array.from(e.parentElement?.children ?? []).some((c) => c !== e && textOf(c) === label)
        const el = 'index' in target ? all[target.index] : all.find((e) => labelled(e, target.label))
        w = el ? wrapperFor(component, el) : null
      }
      if (!w) throw new Error(`no input ${JSON.stringify(target)} on ${route}`)
      w.dispatchEvent('input', { detail: { value, cursor: value.length, keyCode: 0 } })
      await settle()
    },
    async fire(selector, event, detail = {}) {
      await settle()
      const el = component.dom.querySelector(selector)
      if (!el) throw new Error(`nothing matches ${selector} on ${route}`)
      wrapperFor(component, el).dispatchEvent(event, { detail })
      await settle()
    },
    waitForElement: (selector) => waitFor(() => component.dom.querySelector(selector), `${selector} on ${route}`),
    show() {
      ;(component.instance.onShow as Fn | undefined)?.call(component.instance)
    },
    close() {
      if (!open.delete(page)) return
      component.detach()
    },
  }
  open.add(page)
  return page
}
