/**
 * 人脸核身 on the weapp build: the pieces the facial-verify suites add to the simulate harness.
 *
 *  - `wechatCloud(stack, openid)`: answers wx.cloud.callFunction({name:'api', data}) with the routed
 *    cloud function `api` as WeChat's entry runs it (cloudfunctions/_shared/wechat-entry.ts): the caller
 *    is {platform:'wechat', openid} (so sessions are on the weapp channel and WeChat's openid reaches
 *    getverifyid), the backend reached in-process through backend.inject with the shared HMAC secret.
 *    (The local gateway's /fn route signs callers in as platform 'local', i.e. the H5 channel.)
 *  - `facialVerifyStandIn(fake)`: a recording wx.requestFacialVerify that plays what the person does on
 *    WeChat's own screen: finishes it (the fake WeChat server then holds that verify_ret for
 *    queryverifyinfo) and calls success, or ends it with fail and an errCode. WeChat documents only
 *    errCode 0 for this API; the fail errCodes used here are verify_ret values of its queryverifyinfo
 *    table (90002 用户取消 …), an assumption only a real phone can confirm.
 *  - `auditOf` / `recordsOf`: what the backend wrote, read from its store.
 */
import type { FastifyInstance } from 'fastify'
import type { HttpTransport } from '../../../../cloudfunctions/_shared/backend-client'
import { createBackendClient } from '../../../../cloudfunctions/_shared/backend-client'
import { handler } from '../../../../cloudfunctions/api/handler'
import type { Db } from '../../../../server/repositories/types'
import type { FakeWechat } from '../../../server/identity/fake-wechat'
import type { Stack, WxScript } from '../simulate-support'

export const GETVERIFYID = '/cityservice/face/identify/getverifyid'
export const QUERYVERIFYINFO = '/cityservice/face/identify/queryverifyinfo'

export interface Person {
  personNo: string
  name: string
  idNumber: string
  cardNumber: string
  insuranceType: 'enterprise' | 'institution' | 'resident'
  maskedName: string
}

/** Demo roster people (server/demo/roster.csv, docs/demo-identities.md); li, zhang, liu are not certified this cycle. */
export const PEOPLE = {
  wang: { personNo: 'DEMO0001', name: '王秀英', idNumber: '110101195203140127', cardNumber: 'A00000001', insuranceType: 'enterprise', maskedName: '王*英' },
  li: { personNo: 'DEMO0002', name: '李建国', idNumber: '430102194808050315', cardNumber: 'A00000002', insuranceType: 'institution', maskedName: '李*国' },
  zhang: { personNo: 'DEMO0003', name: '张桂兰', idNumber: '320102194106220468', cardNumber: 'A00000003', insuranceType: 'resident', maskedName: '张*兰' },
  liu: { personNo: 'DEMO0004', name: '刘德福', idNumber: '110101193809170532', cardNumber: 'A00000004', insuranceType: 'enterprise', maskedName: '刘*福' },
  chen: { personNo: 'DEMO0005', name: '陈玉梅', idNumber: '430102196001280688', cardNumber: 'A00000005', insuranceType: 'resident', maskedName: '陈*梅' },
  zhao: { personNo: 'DEMO0006', name: '赵德胜', idNumber: '320102196211030753', cardNumber: 'A00000006', insuranceType: 'institution', maskedName: '赵*胜' },
  sun: { personNo: 'DEMO0007', name: '孙淑珍', idNumber: '110101195504100823', cardNumber: 'A00000007', insuranceType: 'enterprise', maskedName: '孙*珍' },
} satisfies Record<string, Person>

function injectTransport(backend: FastifyInstance): HttpTransport {
  return async (req) => {
    const url = new URL(req.url)
    const res = await backend.inject({ method: req.method, url: url.pathname + url.search, headers: req.headers, payload: req.body })
    return { status: res.statusCode, text: res.body }
  }
}

export interface WechatCloud {
  callFunction: WxScript['callFunction']
  /** One endpoint as this WeChat user calls it through `api`. */
  call(name: string, data?: unknown): Promise<{ ok: boolean; data?: any; error?: { code: string; message?: string } }>
  /** Every `api` call made so far and its answer, in order. */
  log: { name: string; data: unknown; result: any }[]
}

export function wechatCloud(stack: Stack, openid: string): WechatCloud {
  const backend = createBackendClient({
    baseUrl: 'http://backend.invalid',
    keyId: stack.config.hmacKeyId,
    secret: stack.config.hmacSecret,
    transport: injectTransport(stack.backend),
    clock: { now: () => stack.clock.now() },
    log: () => undefined,
  })
  const log: WechatCloud['log'] = []
  const call: WechatCloud['call'] = async (name, data = {}) => {
    const result = (await handler({ name, data }, { caller: { platform: 'wechat', openid }, backend, clock: { now: () => stack.clock.now() }, production: false })) as any
    log.push({ name, data, result })
    return result
  }
  return {
    log,
    call,
    callFunction: async ({ name, data }) => {
      if (name !== 'api') throw Object.assign(new Error(`cloud.callFunction:fail -404011 function ${name} not found`), { errCode: -404011 })
      const event = (data ?? {}) as { name?: unknown; data?: unknown }
      return { result: await call(String(event.name ?? ''), event.data ?? {}) }
    },
  }
}

/** What the person does on WeChat's 人脸核身 screen. */
export type FaceScreen =
  /** Finishes; WeChat's server then answers queryverifyinfo with this verify_ret (10000 = 识别成功). */
  | { finish: number }
  /** Ends without finishing: fail({errCode, errMsg}); WeChat's server holds `verifyRet` for the query. */
  | { fail: number; verifyRet: number }
  /** Finishes a DIFFERENT verify_id (another session's), as a tampered client would; success. */
  | { finishOther: string; verifyRet: number }

export interface FacialVerifyStandIn {
  /** The verifyId of every wx.requestFacialVerify call, in order. */
  verifyIds: string[]
  next: FaceScreen
  fn: (o: { verifyId: string; success?: (r: unknown) => void; fail?: (e: unknown) => void; complete?: (r: unknown) => void }) => void
}

export function facialVerifyStandIn(fake: FakeWechat, first: FaceScreen = { finish: 10000 }): FacialVerifyStandIn {
  const standIn: FacialVerifyStandIn = {
    verifyIds: [],
    next: first,
    fn: (o) => {
      standIn.verifyIds.push(o.verifyId)
      const screen = standIn.next
      // WeChat's screen opens over the page and answers later, never inside the call.
      setTimeout(() => {
        if ('fail' in screen) {
          fake.completeOnPhone(o.verifyId, screen.verifyRet)
          const err = { errCode: screen.fail, errMsg: `requestFacialVerify:fail ${screen.fail}` }
          o.fail?.(err)
          o.complete?.(err)
          return
        }
        if ('finishOther' in screen) fake.completeOnPhone(screen.finishOther, screen.verifyRet)
        else fake.completeOnPhone(o.verifyId, screen.finish)
        const res = { errCode: 0, errMsg: 'requestFacialVerify:ok' }
        o.success?.(res)
        o.complete?.(res)
      }, 0)
    },
  }
  return standIn
}

const dbOf = (stack: Stack): Db => (stack.backend as unknown as { store: { db: Db } }).store.db

export async function personIdOf(stack: Stack, person: Person): Promise<string> {
  const row = await dbOf(stack).selectFrom('persons').select(['id']).where('person_no', '=', person.personNo).executeTakeFirst()
  if (!row) throw new Error(`no demo person ${person.personNo}`)
  return row.id
}

export async function auditOf(stack: Stack, personId: string): Promise<{ action: string; detail: Record<string, unknown> }[]> {
  const rows = await dbOf(stack).selectFrom('audit_log').select(['action', 'detail', 'at', 'id']).where('subject_person_id', '=', personId).orderBy('at').execute()
  return rows.map((r) => ({ action: r.action, detail: JSON.parse(r.detail) as Record<string, unknown> }))
}

/** The session rows of a person: status and why it was closed (SESSION_CANCELLED …). */
export async function sessionsOf(stack: Stack, personId: string): Promise<{ id: string; status: string; rejected_code: string | null }[]> {
  return dbOf(stack).selectFrom('certification_sessions').select(['id', 'status', 'rejected_code', 'created_at']).where('person_id', '=', personId).orderBy('created_at').execute()
}

export async function recordsOf(stack: Stack, personId: string): Promise<{ result: string; channel: string; method: string }[]> {
  return dbOf(stack).selectFrom('certification_records').select(['result', 'channel', 'method']).where('person_id', '=', personId).execute()
}

/**
 * Waits for a condition by counting polls, not by the clock: suites that control Date.now (the clip's
 * time) would otherwise never time out. About 20 s of polling on an idle machine.
 */
export async function steps<T>(probe: () => T | undefined | null | false, what: string, page?: { route: string; text(): string }): Promise<T> {
  for (let i = 0; i < 1300; i++) {
    const v = probe()
    if (v) return v
    await new Promise((r) => setTimeout(r, 15))
  }
  throw new Error(`timed out waiting for ${what}${page ? ` (${page.route} says: ${page.text().slice(0, 300)})` : ''}`)
}
