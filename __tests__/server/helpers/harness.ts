/**
 * The backend as tests see it: a real store (SQLite file or PostgreSQL database), the demo roster,
 * a settable clock (default 2026-11-27 10:00 Beijing time), captured JSON logs, signed inject().
 */
import { Writable } from 'node:stream'
import type { FastifyInstance, LightMyRequestResponse } from 'fastify'
import { buildApp, type BuildAppOptions } from '../../../server/app'
import type { AppConfig } from '../../../server/config/env'
import type { Database, Dialect } from '../../../server/db/schema'
import { createTestStore, type TestStore } from '../../support/db'
import { DEMO, type DemoKey } from './demo'
import { testConfig } from './config'
import { signedHeaders, type SignOptions } from './signing'

/**
 * Test apps shed no load on event-loop lag (0 = off). That check is real-time behaviour: a loop
 * blocked for a whole sample interval (module loading in a jest worker, startup work, a busy CI
 * machine) makes under-pressure read the delay as Infinity and answer 503 to whatever test comes
 * next. Shedding itself is tested through the heap limit (app.test.ts). Every buildApp in tests uses this.
 */
export const TEST_PROTECTION = { maxEventLoopDelayMs: 0 } as const

export const DEFAULT_NOW = new Date('2026-11-27T10:00:00+08:00')

export interface Harness {
  app: FastifyInstance
  test: TestStore
  dialect: Dialect
  now: Date
  /** Captured log lines so far, joined. */
  logs(): string
  /** POST a signed JSON body (object or raw string). */
  post(path: string, body: unknown, sign?: SignOptions & { headers?: Record<string, string> }): Promise<LightMyRequestResponse>
  count(table: keyof Database): Promise<number>
  close(): Promise<void>
}

export interface HarnessOptions {
  config?: Partial<AppConfig>
  build?: Partial<BuildAppOptions>
  now?: Date
}

export async function startHarness(dialect: Dialect, opts: HarnessOptions = {}): Promise<Harness> {
  const test = await createTestStore(dialect)
  const lines: string[] = []
  const stream = new Writable({
    write(chunk, _enc, cb) {
      lines.push(String(chunk))
      cb()
    },
  })
  const h = { now: opts.now ?? DEFAULT_NOW } as Harness
  let app: FastifyInstance
  try {
    app = await buildApp({
      config: testConfig(opts.config),
      store: test.store,
      clock: () => h.now,
      logger: { stream },
      ...opts.build,
      protection: { ...TEST_PROTECTION, ...opts.build?.protection },
    })
  } catch (err) {
    await test.close()
    throw err
  }
  Object.assign(h, {
    app,
    test,
    dialect,
    logs: () => lines.join(''),
    async post(path: string, body: unknown, sign: SignOptions & { headers?: Record<string, string> } = {}) {
      const payload = typeof body === 'string' ? body : JSON.stringify(body)
      return app.inject({
        method: 'POST',
        url: path,
        payload,
        headers: { 'content-type': 'application/json', ...signedHeaders('POST', path, payload, { timestamp: h.now.getTime(), ...sign }), ...sign.headers },
      })
    },
    async count(table: keyof Database) {
      const row = await test.store.db.selectFrom(table).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()
      return Number(row.n)
    },
    async close() {
      await app.close()
      await test.close()
    },
  })
  return h
}

let openidCounter = 0
/** A fresh caller per test so tests do not share bindings. */
export function newCaller(prefix = 'wx'): { platform: 'local'; openid: string } {
  openidCounter++
  return { platform: 'local', openid: `${prefix}_${process.pid}_${openidCounter}_${Math.random().toString(36).slice(2, 8)}` }
}

/** Binds every demo roster person by hand, each on a fresh caller of their own; answers the callers. */
export async function bindDemoPeople(h: Pick<Harness, 'post'>): Promise<Record<DemoKey, { platform: 'local'; openid: string }>> {
  const callers = {} as Record<DemoKey, { platform: 'local'; openid: string }>
  for (const key of Object.keys(DEMO) as DemoKey[]) {
    callers[key] = newCaller()
    const res = await h.post('/v1/bindings/manual', { caller: callers[key], ...DEMO[key] })
    if (res.statusCode !== 200) throw new Error(`bind ${key}: ${res.body}`)
  }
  return callers
}
