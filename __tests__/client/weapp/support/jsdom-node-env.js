/**
 * jsdom (miniprogram-simulate renders into a DOM) plus the Node globals jsdom hides, so the real
 * gateway and backend (Fastify, pg, better-sqlite3) run in the same test file as the weapp pages:
 *   @jest-environment ./__tests__/client/weapp/support/jsdom-node-env.js
 *
 * Timers are Node's (the backend unref()s its purge timers) but tracked: whatever is still pending
 * when the file ends is cleared at teardown, as jsdom does with its own timers, so a late Taro render
 * never runs against a torn-down document.
 */
const JsdomEnvironment = require('jest-environment-jsdom').default ?? require('jest-environment-jsdom')

const NODE_GLOBALS = [
  'TextEncoder', 'TextDecoder', 'fetch', 'Request', 'Response', 'Headers',
  'FormData', 'Blob', 'AbortController', 'AbortSignal', 'ReadableStream', 'WritableStream', 'TransformStream',
  'structuredClone', 'BroadcastChannel', 'MessageChannel', 'MessagePort', 'performance', 'URL', 'URLSearchParams',
  'queueMicrotask',
]

class JsdomNodeEnvironment extends JsdomEnvironment {
  constructor(config, context) {
    super(config, context)
    for (const name of NODE_GLOBALS) {
      if (globalThis[name] !== undefined) this.global[name] = globalThis[name]
    }
    const pending = new Map()
    this.pendingTimers = pending
    const track = (create, clear, once) => ({
      create: (fn, ms, ...args) => {
        const h = create(
          (...a) => {
            if (once) pending.delete(h)
            fn(...a)
          },
          ms,
          ...args,
        )
        pending.set(h, clear)
        return h
      },
      clear: (h) => {
        pending.delete(h)
        clear(h)
      },
    })
    const timeout = track(setTimeout, clearTimeout, true)
    const interval = track(setInterval, clearInterval, false)
    const immediate = track((fn, _ms, ...a) => setImmediate(fn, ...a), clearImmediate, true)
    this.global.setTimeout = timeout.create
    this.global.clearTimeout = timeout.clear
    this.global.setInterval = interval.create
    this.global.clearInterval = interval.clear
    this.global.setImmediate = (fn, ...a) => immediate.create(fn, 0, ...a)
    this.global.clearImmediate = immediate.clear
  }

  async teardown() {
    for (const [h, clear] of this.pendingTimers) clear(h)
    this.pendingTimers.clear()
    await super.teardown()
  }
}

module.exports = JsdomNodeEnvironment
