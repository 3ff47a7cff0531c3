/**
 * The server side a weapp page talks to, in-process: the REAL backend (server/app.ts buildApp on a
 * temporary SQLite file with the demo roster) behind the REAL local gateway (servers/gateway/app.ts),
 * wired as `npm start` wires them (the backend's DATA_DIR key file is the secret both read), but with
 * no ports: the gateway reaches the backend through backend.inject and tests reach the gateway through
 * gateway.inject.
 *
 * `callFunction` answers `wx.cloud.callFunction({name: 'api', data: {name, data}})` as the routed cloud
 * function would: the event's name is the gateway's /fn/<name>, its data the body, and the caller is the
 * one WeChat identity of this phone (one local-login token per stack; `newIdentity()` switches to
 * another WeChat user, e.g. a child and a parent on two phones).
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { FastifyInstance } from 'fastify'
import { buildApp, type BuildAppOptions } from '../../../../server/app'
import { loadConfig, type AppConfig } from '../../../../server/config/env'
import { buildGateway } from '../../../../servers/gateway/app'
import { readGatewayConfig } from '../../../../servers/gateway/config'
import type { HttpTransport } from '../../../../cloudfunctions/_shared/backend-client'
import { TEST_PROTECTION } from '../../../server/helpers/harness'

/** 2026-11-27 10:00 Beijing time (the backend tests' default), unless a test picks another. */
export const STACK_NOW = new Date('2026-11-27T10:00:00+08:00')

/** Demo roster people (server/db seed) the page tests use. */
export const DEMO = {
  /** Last certified 2026-03-15 → 已认证, next due 2027年3月. */
  wang: { name: '王秀英', idNumber: '110101195203140127', cardNumber: 'A00000001', maskedName: '王*英' },
  /** 机关事业单位 retiree; binds through the local 电子社保卡 authorisation. */
  li: { name: '李建国', idNumber: '430102194808050315', maskedName: '李*国' },
} as const

/** A settable clock shared by backend and gateway. */
export interface StackClock {
  now(): Date
  set(d: Date): void
}

export function settableClock(start: Date = STACK_NOW): StackClock {
  let t = start
  return { now: () => t, set: (d) => void (t = d) }
}

export interface StackOptions {
  /** Extra backend environment (as in .env), e.g. { IDENTITY_VERIFIER: 'wechat-facial-verify', WECHAT_API_BASE: … }. */
  env?: Record<string, string>
  clock?: StackClock
  /** Anything else buildApp takes (identityVerifier, sscAuth, randomInt …). */
  backend?: Partial<BuildAppOptions>
}

export type CloudResult = { ok: boolean; data?: any; error?: { code: string; message?: string; field?: string } }

export interface Stack {
  backend: FastifyInstance
  gateway: FastifyInstance
  config: AppConfig
  clock: StackClock
  dataDir: string
  /** The cloud function `api` as this phone's WeChat user calls it. */
  callFunction(name: string, data?: unknown): Promise<CloudResult>
  /** From now on calls come from a new WeChat user (fresh local-login token); answers that user's handle. */
  newIdentity(): Promise<string>
  /** The current WeChat user's handle. */
  identity(): string
  /** Switch back to a user from newIdentity()/identity() (two phones, one stack). */
  useIdentity(handle: string): void
  close(): Promise<void>
}

/** The gateway's HTTP client to the backend, over backend.inject instead of a socket. */
function injectTransport(backend: FastifyInstance): HttpTransport {
  return async (req) => {
    const url = new URL(req.url)
    const res = await backend.inject({ method: req.method, url: url.pathname + url.search, headers: req.headers, payload: req.body })
    return { status: res.statusCode, text: res.body }
  }
}

export async function startStack(opts: StackOptions = {}): Promise<Stack> {
  const dataDir = mkdtempSync(join(tmpdir(), 'yl-weapp-sim-'))
  const clock = opts.clock ?? settableClock()
  const config = loadConfig({
    NODE_ENV: 'test',
    DATA_DIR: dataDir,
    SQLITE_PATH: join(dataDir, 'test.sqlite'),
    DEMO_SEED: 'true',
    LOG_LEVEL: 'silent',
    ...opts.env,
  })
  let backend: FastifyInstance | undefined
  try {
    backend = await buildApp({ protection: TEST_PROTECTION, config, clock: () => clock.now(), logger: false, ...opts.backend })
    await backend.ready()
    const backendUrl = 'http://backend.invalid'
    const gw = readGatewayConfig({ NODE_ENV: 'test', DATA_DIR: dataDir, BACKEND_URL: backendUrl }, dataDir)
    const gateway = buildGateway({
      backendUrl: gw.backendUrl,
      hmacKeyId: gw.hmacKeyId,
      hmacSecret: gw.hmacSecret,
      h5Dir: null,
      clock: { now: () => clock.now() },
      nodeEnv: 'test',
      backendTransport: injectTransport(backend),
      backendReady: async () => true,
      logBackendProblem: () => undefined,
    })
    let token = ''
    const newIdentity = async () => {
      const res = await gateway.inject({ method: 'POST', url: '/auth/local-login' })
      token = (res.json() as { data: { token: string } }).data.token
      return token
    }
    await newIdentity()
    const b = backend
    return {
      backend: b,
      gateway,
      config,
      clock,
      dataDir,
      newIdentity,
      identity: () => token,
      useIdentity: (handle) => void (token = handle),
      async callFunction(name, data = {}) {
        const r = await gateway.inject({ method: 'POST', url: `/fn/${name}`, headers: { authorization: `Bearer ${token}` }, payload: data as object })
        return r.json() as CloudResult
      },
      async close() {
        await gateway.close()
        await b.close()
        rmSync(dataDir, { recursive: true, force: true })
      },
    }
  } catch (err) {
    await backend?.close()
    rmSync(dataDir, { recursive: true, force: true })
    throw err
  }
}
